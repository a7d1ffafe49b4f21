/**
 * `logs`: read the runtime's CloudWatch log group.
 */
import { Command } from 'commander';
import { parseSince } from '../core/log-since.js';
import { addTargetOptions, withExamples } from './options.js';

interface LogsFlags {
  since: string;
  follow?: boolean;
  filter?: string;
  all?: boolean;
  name?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

export function logsCommand(): Command {
  const command = new Command('logs')
    .description('Print the runtime\'s logs (CloudWatch log group /aws/bedrock-agentcore/runtimes/<id>-DEFAULT).')
    .option('--since <when>', 'start at a duration ago (30s, 15m, 1h30m, 2d, 1w; a bare number is seconds) or an ISO time', '1h')
    .option('-f, --follow', 'keep printing new events until Ctrl-C')
    .option('--filter <pattern>', 'CloudWatch Logs filter pattern, e.g. ERROR or "\\"session\\""')
    .option('--all', 'include health checks (GET /ping), hidden by default')
    .action(async (flags: LogsFlags) => {
      const [{ createContext }, engine] = await Promise.all([import('./context.js'), import('../engine/logs.js')]);
      const { since, follow, filter, all, ...target } = flags;
      parseSince(since, Date.now()); // a bad --since is a usage error before any AWS call
      const ctx = await createContext(target);
      const group = await engine.logGroupOf(ctx);
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        if (follow) ctx.io.info(`Following ${group} (Ctrl-C to stop)…`);
        const printed = await engine.streamLogs(ctx, group, { since, follow, filter, all, signal: controller.signal });
        if (printed === 0 && !follow) ctx.io.info(`No log events in ${group} since ${since}${all ? '' : ' (health checks hidden; --all shows them)'}.`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
  addTargetOptions(command);
  return withExamples(command, [
    ['agentcore-claude logs', 'the last hour'],
    ['agentcore-claude logs --since 15m --follow', 'tail new events until Ctrl-C'],
    ['agentcore-claude logs --since 2025-01-31T14:00:00Z --filter ERROR', 'errors since a time'],
    ['agentcore-claude logs --all', 'include /ping health checks'],
  ]);
}
