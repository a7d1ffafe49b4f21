/**
 * `agentcore-claude sessions [list] | rm <id>` — the runtime sessions saved in the output bucket.
 */
import { Command } from 'commander';
import { addJsonOption, addTargetOptions, withExamples } from './options.js';

interface Flags {
  json?: boolean;
  bucket?: string;
  region?: string;
  profile?: string;
  name?: string;
  stackName?: string;
}

function withCommon(command: Command): Command {
  addTargetOptions(command);
  addJsonOption(command);
  return command.option('--bucket <bucket>', 'output bucket (default: the recorded deployment’s)');
}

export function sessionsCommand(): Command {
  const sessions = new Command('sessions').description('List or remove the runtime sessions saved in S3 (for `invoke --session`)');

  const list = withCommon(new Command('list').description('List saved sessions, most recent first')).action(async (flags: Flags) => {
    const { createContext } = await import('./context.js');
    const ctx = await createContext(flags);
    const [{ listSessions }, { resolveBucket }] = await Promise.all([import('../engine/sessions.js'), import('../engine/target.js')]);
    const records = await listSessions(ctx.aws().s3(), await resolveBucket(ctx, flags.bucket));
    if (ctx.io.json) return ctx.io.result({ sessions: records });
    if (records.length === 0) return ctx.io.info('No saved sessions yet. Start one with `agentcore-claude invoke "task"`.');
    for (const r of records) {
      const prompt = r.first_prompt.replace(/\s+/g, ' ');
      ctx.io.data(`${r.runtime_session_id}  ${r.updated_at}  ${String(r.invocations ?? 1).padStart(3)} call(s)  ${prompt.length > 60 ? `${prompt.slice(0, 57)}...` : prompt}`);
    }
    ctx.io.info(`\nContinue one with: agentcore-claude invoke --session <id> "next step"`);
  });

  const rm = withCommon(new Command('rm').description('Delete a saved session (its archive and record)').argument('<id>', 'runtime session id')).action(
    async (id: string, flags: Flags) => {
      const { createContext } = await import('./context.js');
      const ctx = await createContext(flags);
      const [{ removeSession }, { resolveBucket }] = await Promise.all([import('../engine/sessions.js'), import('../engine/target.js')]);
      const deleted = await removeSession(ctx.aws().s3(), await resolveBucket(ctx, flags.bucket), id);
      if (ctx.io.json) return ctx.io.result({ deleted });
      ctx.io.info(`Deleted session ${id} (${deleted.join(', ')}).`);
    },
  );

  withExamples(list, [
    ['agentcore-claude sessions', 'list saved sessions'],
    ['agentcore-claude sessions --json | jq ".sessions[0]"', 'the most recent one, as JSON'],
  ]);
  withExamples(rm, [['agentcore-claude sessions rm 7f9c…', 'forget a session']]);
  sessions.addCommand(list, { isDefault: true });
  sessions.addCommand(rm);
  return withExamples(sessions, [
    ['agentcore-claude sessions', 'list saved sessions (id, last update, first prompt)'],
    ['agentcore-claude sessions rm <id>', 'delete one'],
  ]);
}
