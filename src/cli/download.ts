/**
 * `download`: fetch the files of runs from the deployment's S3 bucket. A run is one invocation;
 * its files are under its own output prefix `outputs/<run>/` (`<run>` = `YYYYMMDD_HHMMSS_<id8>`,
 * container/src/output-prefix.ts). Not a runtime session (`invoke --session`), which spans
 * many runs.
 */
import { Command, Option } from 'commander';
import { addJsonOption, addTargetOptions, positiveInt, withExamples } from './options.js';

interface DownloadFlags {
  bucket?: string;
  out: string;
  latest?: boolean;
  run?: string[];
  /** Deprecated alias of `run`. */
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
    .description('Download the files the agent wrote, by run (one invocation each, under s3://<bucket>/outputs/<run>/).')
    .option('--latest', 'download the newest run')
    .option('--run <name>', 'download this run (exact name or its beginning, e.g. 20250131_1420; repeatable)', collect)
    .addOption(new Option('--session <name>', 'deprecated: use --run').argParser(collect).hideHelp())
    .option('--all', 'download every run')
    .option('--list', 'only list the runs (newest first) with file count and size')
    .option('--out <dir>', 'local directory; files go to <dir>/<run>/<path>', 'outputs')
    .option('--bucket <bucket>', 'output bucket (default: the recorded deployment’s, or the stack output)')
    .option('--concurrency <n>', 'objects downloaded at once', positiveInt('--concurrency'), 16)
    .action(async (flags: DownloadFlags) => {
      const [{ createContext }, engine] = await Promise.all([import('./context.js'), import('../engine/download.js')]);
      const { json, bucket: bucketFlag, ...rest } = flags;
      const ctx = await createContext({ json, name: rest.name, stackName: rest.stackName, region: rest.region, profile: rest.profile });
      if (flags.session?.length) ctx.io.warn('download --session is deprecated: it names a run (one invocation\'s outputs), not a runtime session; use --run.');
      const runs = [...(flags.run ?? []), ...(flags.session ?? [])];
      const bucket = await engine.resolveBucket(ctx, bucketFlag);
      // `--latest` alone needs one run: found without listing every object under outputs/.
      const latestOnly = flags.latest && !flags.list && !flags.all && runs.length === 0;
      const { sessions, orphans } = await (latestOnly ? engine.listLatestSession(ctx, bucket) : engine.listSessions(ctx, bucket));
      if (flags.list) {
        if (json) ctx.io.result({ bucket, runs: sessions.map(engine.summarizeSession) });
        else if (sessions.length === 0) ctx.io.info(`No runs in s3://${bucket}/outputs/.`);
        else for (const s of sessions) ctx.io.data(engine.sessionLine(s));
        return;
      }
      if (sessions.length === 0 && orphans.length === 0) {
        ctx.io.info(`No runs in s3://${bucket}/outputs/ — nothing to download.`);
        if (json) ctx.io.result({ bucket, runs: [], downloaded: 0, skipped: 0, refused: [], failed: [], bytes: 0 });
        return;
      }
      const options = { out: flags.out, latest: flags.latest, sessions: runs, all: flags.all, concurrency: flags.concurrency };
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
    ['agentcore-claude download', 'pick runs interactively'],
    ['agentcore-claude download --latest', 'newest run to ./outputs/<run>/'],
    ['agentcore-claude download --run 20250131_142000 --out ./results', 'one run, another directory'],
    ['agentcore-claude download --all --json', 'everything; JSON summary on stdout'],
    ['agentcore-claude download --list', 'list runs with file count and size'],
  ]);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
