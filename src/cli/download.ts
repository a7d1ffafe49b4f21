/**
 * `download`: fetch output sessions from the deployment's S3 bucket.
 */
import { Command } from 'commander';
import { addJsonOption, addTargetOptions, positiveInt, withExamples } from './options.js';

interface DownloadFlags {
  bucket?: string;
  out: string;
  latest?: boolean;
  session?: string[];
  all?: boolean;
  list?: boolean;
  concurrency?: number;
  json?: boolean;
  name?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

export function downloadCommand(): Command {
  const command = new Command('download')
    .description('Download the files the agent wrote (output sessions under s3://<bucket>/outputs/).')
    .option('--latest', 'download the newest session')
    .option('--session <name>', 'download this session (exact name or name prefix; repeatable)', collect)
    .option('--all', 'download every session')
    .option('--list', 'only list the sessions (newest first) with file count and size')
    .option('--out <dir>', 'local directory; files go to <dir>/<session>/<path>', 'outputs')
    .option('--bucket <bucket>', 'output bucket (default: the recorded deployment’s, or the stack output)')
    .option('--concurrency <n>', 'objects downloaded at once', positiveInt('--concurrency'), 16)
    .action(async (flags: DownloadFlags) => {
      const [{ createContext }, engine] = await Promise.all([import('./context.js'), import('../engine/download.js')]);
      const { json, bucket: bucketFlag, ...rest } = flags;
      const ctx = await createContext({ json, name: rest.name, stackName: rest.stackName, region: rest.region, profile: rest.profile });
      const bucket = await engine.resolveBucket(ctx, bucketFlag);
      // `--latest` alone needs one session: found without listing every object under outputs/.
      const latestOnly = flags.latest && !flags.list && !flags.all && !(flags.session?.length ?? 0);
      const { sessions, orphans } = await (latestOnly ? engine.listLatestSession(ctx, bucket) : engine.listSessions(ctx, bucket));
      if (flags.list) {
        if (json) ctx.io.result({ bucket, sessions: sessions.map(engine.summarizeSession) });
        else if (sessions.length === 0) ctx.io.info(`No output sessions in s3://${bucket}/outputs/.`);
        else for (const s of sessions) ctx.io.data(engine.sessionLine(s));
        return;
      }
      if (sessions.length === 0 && orphans.length === 0) {
        ctx.io.info(`No output sessions in s3://${bucket}/outputs/ — nothing to download.`);
        if (json) ctx.io.result({ bucket, sessions: [], downloaded: 0, skipped: 0, refused: [], failed: [], bytes: 0 });
        return;
      }
      const options = { out: flags.out, latest: flags.latest, sessions: flags.session, all: flags.all, concurrency: flags.concurrency };
      const chosen = await engine.chooseSessions(ctx, sessions, options);
      const { exitCode, gets: _gets, ...summary } = await engine.downloadSessions(ctx, bucket, chosen, orphans, options);
      if (json) ctx.io.result(summary);
      else {
        const { formatBytes } = await import('../core/sessions.js');
        ctx.io.info(
          `${summary.downloaded} downloaded (${formatBytes(summary.bytes)}), ${summary.skipped} unchanged, ` +
            `${summary.refused.length} refused, ${summary.failed.length} failed → ${summary.out}`,
        );
      }
      process.exitCode = exitCode;
    });
  addTargetOptions(command);
  addJsonOption(command);
  return withExamples(command, [
    ['agentcore-claude download', 'pick sessions interactively'],
    ['agentcore-claude download --latest', 'newest session to ./outputs/<session>/'],
    ['agentcore-claude download --session 20250131_142000 --out ./results', 'one session, another directory'],
    ['agentcore-claude download --all --json', 'everything; JSON summary on stdout'],
    ['agentcore-claude download --list', 'list sessions with file count and size'],
  ]);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
