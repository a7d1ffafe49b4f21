/**
 * `download`: list the runs of the bucket (one invocation's outputs each, under its output prefix
 * `outputs/<run>/`) and download the chosen ones to `<out>/<run>/<relative path>`, in parallel, skipping identical files, refusing unsafe keys.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { lstat, mkdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { listFolders, listObjects } from '../aws/s3.js';
import { ObjectGetter, type GetCounts } from '../aws/s3-get.js';
import { CliError, ExitCode, UsageError, errorMessage } from '../core/errors.js';
import { isInside, localPathFor, OUTPUTS_PREFIX, unsafeSegmentReason } from '../core/output-keys.js';
import { formatBytes, groupSessions, selectSessions, sessionTimestamp, type OutputSession, type RefusedKey, type SessionFile } from '../core/sessions.js';
import { isUpToDate, manifestKey, readManifest, writeManifest, type Manifest } from './download-manifest.js';
import { type OpsContext } from './target.js';
export { resolveBucket } from './target.js';

/** Default number of objects downloaded at once. */
export const DEFAULT_CONCURRENCY = 16;

export interface DownloadOptions {
  /** `--bucket`: overrides the recorded deployment and the stack output. */
  bucket?: string;
  /** `--out`: local directory; default `./outputs`. */
  out?: string;
  latest?: boolean;
  /** `--run` values: run names (output prefixes under `outputs/`), exact or their beginning. */
  sessions?: string[];
  all?: boolean;
  concurrency?: number;
  /**
   * Fetch objects with signed plain GETs after the first GetObject (default true; see
   * aws/s3-get.ts); false: GetObject for every object.
   */
  plainGets?: boolean;
}

export interface SessionSummary {
  name: string;
  timestamp: string | null;
  fileCount: number;
  totalBytes: number;
  refusedCount: number;
}

export interface DownloadSummary {
  bucket: string;
  out: string;
  /** The runs downloaded (their output prefixes under `outputs/`). */
  runs: string[];
  downloaded: number;
  skipped: number;
  refused: RefusedKey[];
  failed: Array<{ key: string; error: string }>;
  /** Bytes downloaded in this run (skipped files not counted). */
  bytes: number;
}


/** The sessions in the bucket, newest first (for `--list` and the picker). */
export async function listSessions(ctx: OpsContext, bucket: string): Promise<{ sessions: OutputSession[]; orphans: RefusedKey[] }> {
  const objects = await listObjects(ctx.aws().s3(), bucket, OUTPUTS_PREFIX);
  return groupSessions(objects);
}

/**
 * The newest session, without listing every object under `outputs/` (`download --latest`).
 *
 * Session folders are named `YYYYMMDD_HHMMSS[_suffix]`, so one delimited listing of `outputs/`
 * gives every session's time without its objects. Then only these folders are listed in full:
 * every folder whose name has no timestamp (such a session is ordered by its newest object, which
 * only its listing tells), and the timestamped folders from the newest time down until one of
 * them holds a session (a folder of folder markers only is none). {@link groupSessions} orders
 * what was listed exactly as it orders a full listing, so its first session is the one
 * {@link listSessions} would put first. When no session is found this way, the full listing is
 * returned (so the answer for an empty or odd bucket is the same as before).
 * @returns the sessions of the listed folders, newest first (the first is the newest of the bucket),
 *   and no orphans (they only matter to `--all`).
 */
export async function listLatestSession(ctx: OpsContext, bucket: string): Promise<{ sessions: OutputSession[]; orphans: RefusedKey[] }> {
  const s3 = ctx.aws().s3();
  const { folders } = await listFolders(s3, bucket, OUTPUTS_PREFIX);
  const undated: string[] = [];
  const byTime = new Map<string, string[]>();
  for (const folder of folders) {
    const name = folder.slice(OUTPUTS_PREFIX.length, -1);
    // An unsafe folder name holds only refused keys: never a session.
    if (name.includes('/') || unsafeSegmentReason(name) !== undefined) continue;
    const time = sessionTimestamp(name);
    if (time === null) undated.push(folder);
    else byTime.set(time, [...(byTime.get(time) ?? []), folder]);
  }
  const listAll = async (prefixes: string[]) => (await Promise.all(prefixes.map((p) => listObjects(s3, bucket, p)))).flat();
  const objects = await listAll(undated);
  for (const time of [...byTime.keys()].sort().reverse()) {
    const found = await listAll(byTime.get(time)!);
    objects.push(...found);
    if (groupSessions(found).sessions.length > 0) break;
  }
  const { sessions } = groupSessions(objects);
  return sessions.length > 0 ? { sessions, orphans: [] } : listSessions(ctx, bucket);
}

/** A session as listed to users and in `--list --json`. */
export function summarizeSession(session: OutputSession): SessionSummary {
  return {
    name: session.name,
    timestamp: session.timestamp,
    fileCount: session.fileCount,
    totalBytes: session.totalBytes,
    refusedCount: session.refused.length,
  };
}

/** One line per session: name, time, file count, size. */
export function sessionLine(session: OutputSession): string {
  const time = session.timestamp ? session.timestamp.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
  const files = `${session.fileCount} file${session.fileCount === 1 ? '' : 's'}`;
  return `${session.name.padEnd(28)} ${time.padEnd(20)} ${files.padStart(10)} ${formatBytes(session.totalBytes).padStart(10)}`;
}

/**
 * Choose sessions from the flags, or with the interactive picker when none is given.
 * @throws UsageError when `--run` matches nothing, or when no flag is given and the terminal
 *   is not interactive (naming `--latest`, `--run`, `--all`).
 */
export async function chooseSessions(ctx: OpsContext, sessions: OutputSession[], options: DownloadOptions): Promise<OutputSession[]> {
  const given = [options.latest, options.all, (options.sessions?.length ?? 0) > 0].filter(Boolean).length;
  if (given > 1) throw new UsageError('Choose one of --latest, --run and --all.', { code: 'CONFLICTING_FLAGS' });
  if (options.all) return sessions;
  if (options.latest) return sessions.slice(0, 1);
  if (options.sessions?.length) {
    const { selected, unmatched } = selectSessions(sessions, options.sessions);
    if (unmatched.length > 0) {
      throw new UsageError(`No run matches ${unmatched.map((u) => `"${u}"`).join(', ')}.`, {
        hint: `Runs: ${sessions.slice(0, 5).map((s) => s.name).join(', ')}${sessions.length > 5 ? ', …' : ''} (\`download --list\` shows all).`,
        code: 'NO_SUCH_SESSION',
      });
    }
    return selected;
  }
  // The picker (and @inquirer with it) is loaded only when it is shown.
  const { askChoices } = await import('../io/prompt.js');
  return askChoices(
    ctx.io,
    'The outputs of which runs should be downloaded?',
    sessions.map((s) => ({ name: sessionLine(s), value: s })),
    'Pass --latest, --run <name> (repeatable) or --all to choose without a prompt; `download --list` shows the runs.',
  );
}

/**
 * Download the chosen sessions. Exit code: 0, or 4 (Partial) when keys were refused or files
 * failed — set on the returned summary's `exitCode`.
 * @throws CliError with exit 130 when interrupted (temp files are removed first).
 */
export async function downloadSessions(
  ctx: OpsContext,
  bucket: string,
  chosen: OutputSession[],
  orphans: RefusedKey[],
  options: DownloadOptions,
): Promise<DownloadSummary & { exitCode: ExitCode; gets: GetCounts }> {
  const out = resolve(ctx.cwd, options.out ?? 'outputs');
  const summary: DownloadSummary = {
    bucket,
    out,
    runs: chosen.map((s) => s.name),
    downloaded: 0,
    skipped: 0,
    refused: [...chosen.flatMap((s) => s.refused), ...(options.all ? orphans : [])],
    failed: [],
    bytes: 0,
  };
  for (const r of summary.refused) ctx.io.warn(`refused object key ${JSON.stringify(r.key)}: ${r.reason}`);
  const jobs = chosen.flatMap((s) => s.files.map((file) => ({ session: s.name, file })));
  const gets = jobs.length > 0 ? await runJobs(ctx, bucket, out, jobs, summary, options.concurrency ?? DEFAULT_CONCURRENCY, options.plainGets ?? true) : { raw: 0, sdk: 0 };
  const partial = summary.refused.length > 0 || summary.failed.length > 0;
  return { ...summary, exitCode: partial ? ExitCode.Partial : ExitCode.Success, gets };
}

interface Job {
  session: string;
  file: SessionFile;
}

/** @returns how many objects came by plain GET and by GetObject. */
async function runJobs(ctx: OpsContext, bucket: string, out: string, jobs: Job[], summary: DownloadSummary, concurrency: number, plainGets: boolean): Promise<GetCounts> {
  let realOut: string;
  try {
    await mkdir(out, { recursive: true });
    realOut = await realpath(out);
  } catch (error) {
    throw new UsageError(`Cannot use ${out} as the download directory: ${errorMessage(error)}`, {
      hint: 'Pass --out <dir> with a directory you can write to.',
      code: 'BAD_OUT_DIR',
    });
  }
  const sessionNames = [...new Set(jobs.map((j) => j.session))];
  const [manifest, present] = await Promise.all([
    readManifest(out),
    Promise.all(sessionNames.map((name) => exists(localPathFor(out, name, [])))),
  ]);
  // A run whose folder is not there yet has no file to compare: one lstat instead of one per file.
  const absent = new Set(sessionNames.filter((_, i) => !present[i]));
  const controller = new AbortController();
  // Every concurrent request and pipeline listens on this one signal.
  setMaxListeners(0, controller.signal);
  const temps = new Set<string>();
  const checkedDirs = new Map<string, Promise<void>>();
  const workers = Math.max(1, Math.min(concurrency, jobs.length));
  // Created on the first file to fetch: an unchanged re-run never loads the S3 client for it.
  let getter: ObjectGetter | undefined;
  const totalBytes = jobs.reduce((n, j) => n + j.file.size, 0);
  let done = 0;
  let doneBytes = 0;
  const progress = ctx.io.fancy ? ctx.io.progress(progressText(0, jobs.length, 0, totalBytes)) : undefined;
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);

  const assertInside = async (dir: string) => {
    const real = await realpath(dir);
    if (real !== realOut && !isInside(realOut, real)) throw new RefusedError(`directory ${dir} resolves outside ${out} (symbolic link)`);
  };
  /**
   * Make the parent directory, making sure it really is inside `out`: the nearest existing ancestor
   * is resolved (symbolic links followed) BEFORE anything is created, so a link inside `out` cannot
   * make even a directory appear elsewhere; the result is checked again after mkdir.
   */
  const ensureDir = (dir: string) => {
    let pending = checkedDirs.get(dir);
    if (!pending) {
      pending = (async () => {
        let existing = dir;
        while (!(await exists(existing))) existing = dirname(existing);
        await assertInside(existing);
        await mkdir(dir, { recursive: true });
        await assertInside(dir);
      })();
      checkedDirs.set(dir, pending);
    }
    return pending;
  };

  const one = async ({ session, file }: Job) => {
    const path = localPathFor(out, session, file.segments);
    const mkey = manifestKey(bucket, file.key);
    if (!absent.has(session) && (await isUpToDate(path, file, manifest[mkey]))) {
      summary.skipped += 1;
      return;
    }
    await ensureDir(dirname(path));
    // A short temp name beside the target (same file system for the rename; a 255-byte target name still fits).
    const temp = join(dirname(path), `.agentcore-${randomBytes(6).toString('hex')}.part`);
    temps.add(temp);
    try {
      getter ??= new ObjectGetter(ctx.aws().s3(), bucket, workers, plainGets);
      const bytes = await getter.download(file.key, temp, file.size, controller.signal);
      if (bytes !== file.size) throw new Error(`got ${bytes} bytes, expected ${file.size}`);
      await rename(temp, path);
      temps.delete(temp);
      const info = await stat(path);
      manifest[mkey] = { etag: file.etag, size: file.size, mtimeMs: info.mtimeMs };
      summary.downloaded += 1;
      summary.bytes += bytes;
    } finally {
      if (temps.delete(temp)) await unlink(temp).catch(() => undefined);
    }
  };

  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job && !controller.signal.aborted; job = queue.shift()) {
      try {
        await one(job);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof RefusedError) {
          summary.refused.push({ key: job.file.key, reason: error.message });
          ctx.io.warn(`refused object key ${JSON.stringify(job.file.key)}: ${error.message}`);
        } else {
          summary.failed.push({ key: job.file.key, error: errorMessage(error) });
          ctx.io.warn(`could not download ${job.file.key}: ${errorMessage(error)}`);
        }
      }
      done += 1;
      doneBytes += job.file.size;
      progress?.update(progressText(done, jobs.length, doneBytes, totalBytes));
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    getter?.close();
    process.removeListener('SIGINT', onSigint);
    await Promise.all([...temps].map((t) => unlink(t).catch(() => undefined)));
    progress?.stop();
    // Nothing written: the manifest on disk already says everything (an unchanged re-run writes nothing).
    if (summary.downloaded > 0) {
      await writeManifest(out, manifest).catch((error) => ctx.io.warn(`could not save the download manifest: ${errorMessage(error)}`));
    }
  }
  if (controller.signal.aborted) {
    throw new CliError(`Interrupted: ${summary.downloaded} files downloaded, no partial files left.`, {
      exitCode: ExitCode.Interrupted,
      code: 'INTERRUPTED',
    });
  }
  return getter?.counts ?? { raw: 0, sdk: 0 };
}

class RefusedError extends Error {}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function progressText(done: number, total: number, bytes: number, totalBytes: number): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files  ${formatBytes(bytes)} / ${formatBytes(totalBytes)}`;
}
