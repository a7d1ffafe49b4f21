/**
 * Pack and unpack a runtime session's state (its workspace and its Claude config dir, which holds
 * the Claude Code transcript that `options.resume` needs) as `.tar.gz` archives.
 *
 * Layout: the parts are directories under one root, named by relative paths (e.g. `<id>` and
 * `.claude-sessions/<id>` under the workspace root); archive entries keep those paths. A session is
 * saved as a base archive plus delta archives (see session-store.ts); this module packs a given
 * list of paths and extracts one archive at a time into a staging directory.
 *
 * What is packed: regular files and directories (symlinks, devices, FIFOs and sockets never),
 * hard links as tar `Link` entries when both names are in the same part, mode bits, mtimes; no
 * owner (`portable`).
 *
 * Restore treats an archive as untrusted (an attacker may have written the bucket). It is streamed
 * (never buffered whole; extraction is throttled so memory stays flat) and **refused as a whole**
 * — {@link RestoreRefusedError}, nothing of it kept — when any entry is something a save never
 * writes or a limit is exceeded:
 * - a path that is absolute, has a drive letter, a NUL, a `..` segment, or is outside the parts;
 * - an entry type other than file, directory or hard link (symlinks, devices, FIFOs, sparse…);
 * - a hard link whose target is not a file extracted earlier from the same archive in the same part;
 * - a part stored as anything but a directory, a path below a non-directory, a duplicate path;
 * - more entries, more bytes, a larger file or a higher compression ratio than {@link SessionLimits}.
 * Any other legal POSIX name (backslashes, colons, newlines…) is kept. Modes keep only the
 * permission bits (setuid/setgid/sticky dropped; new files are also masked by the process umask)
 * and always let the owner read and write; the owner
 * is never restored (`preserveOwner: false`, also when the server runs as root).
 */
import type { SkippedFile } from './vendor/protocol/session-record.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import * as tar from 'tar';
import type { SessionLimits } from './session-limits.js';

/** A part is a relative directory path under the root: `/`-separated segments of `[A-Za-z0-9_.-]`, none `.` or `..`. */
const PART_SEGMENT = /^[a-zA-Z0-9_.-]+$/;

/** @throws Error when a part name is not a plain relative directory path. */
export function checkParts(parts: readonly string[]): void {
  for (const part of parts) {
    const ok = part.split('/').every((segment) => PART_SEGMENT.test(segment) && segment !== '.' && segment !== '..');
    if (!ok) throw new Error(`Invalid session part "${part}"`);
  }
}

// ---------------------------------------------------------------------------------------------
// Walking and packing
// ---------------------------------------------------------------------------------------------

/** One saved path: a regular file or a directory (posix path relative to the root). */
export interface WalkEntry {
  type: 'file' | 'dir';
  /** The part the path belongs to. */
  part: string;
  stats: Stats;
}

/** Paths of the parts, in pre-order (a directory before its contents), keyed by relative posix path. */
export type Snapshot = Map<string, WalkEntry>;

export type { SkippedFile } from './vendor/protocol/session-record.js';

/**
 * Stat every directory and regular file of the parts (missing parts are skipped). Symlinks and
 * special files are left out; so is any directory whose name is in `exclude`, at any depth.
 * @param root absolute directory holding the parts
 */
export async function walkParts(root: string, parts: readonly string[], exclude: readonly string[] = []): Promise<Snapshot> {
  checkParts(parts);
  const excluded = new Set(exclude);
  const snapshot: Snapshot = new Map();
  for (const part of parts) {
    const top = await lstat(join(root, part)).catch(() => undefined);
    if (!top?.isDirectory()) continue;
    snapshot.set(part, { type: 'dir', part, stats: top });
    const stack = [part];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const names = await readdir(join(root, dir)).catch(() => [] as string[]);
      names.sort();
      const stats = await Promise.all(names.map((name) => lstat(join(root, dir, name)).catch(() => undefined)));
      const subdirs: string[] = [];
      names.forEach((name, i) => {
        const st = stats[i];
        const path = `${dir}/${name}`;
        if (!st) return;
        if (st.isDirectory()) {
          if (excluded.has(name)) return;
          snapshot.set(path, { type: 'dir', part, stats: st });
          subdirs.push(path);
        } else if (st.isFile()) {
          snapshot.set(path, { type: 'file', part, stats: st });
        }
      });
      for (const sub of subdirs.reverse()) stack.push(sub);
    }
  }
  // Every directory is inserted before anything below it (it is added when its parent is read).
  return snapshot;
}

export interface PackStats {
  /** Archive entries written (files, directories, links). */
  entries: number;
  /** Bytes of regular-file content written (hard links count once). */
  bytes: number;
  /** Uncompressed tar bytes, and the gzip bytes they became. */
  tarBytes: number;
  gzBytes: number;
}

/**
 * Write the given snapshot paths of `root` into a `.tar.gz` at `file`, in the given order (each
 * directory must come before its contents). Names of one inode inside the same part become hard
 * links; across parts each part gets its own copy (a restore only links within a part).
 * @param paths keys of `snapshot`
 */
export async function packPaths(root: string, snapshot: Snapshot, paths: readonly string[], file: string): Promise<PackStats> {
  if (paths.length === 0) {
    // node-tar refuses to create an archive of nothing; an empty tar is its two zero blocks.
    const empty = gzipSync(Buffer.alloc(1024));
    await writeFile(file, empty);
    return { entries: 0, bytes: 0, tarBytes: 1024, gzBytes: empty.length };
  }
  const statCache = new Map<string, Stats>();
  const inodePart = new Map<string, string>();
  let bytes = 0;
  for (const path of paths) {
    const entry = snapshot.get(path);
    if (!entry) throw new Error(`packPaths: ${path} is not in the snapshot`);
    let stats = entry.stats;
    if (entry.type === 'file') {
      const key = `${stats.dev}:${stats.ino}`;
      const first = inodePart.get(key);
      if (first === undefined) {
        inodePart.set(key, entry.part);
        bytes += stats.size;
      } else if (first !== entry.part) {
        // A link across parts is packed as a copy (nlink 1 keeps node-tar from writing a Link entry).
        stats = Object.assign(Object.create(Object.getPrototypeOf(stats) as object) as Stats, stats, { nlink: 1 });
        bytes += stats.size;
      } else if (stats.nlink <= 1) {
        bytes += stats.size;
      }
    }
    // Only the copies need a stat of our own. (Pre-stat'ing a file with nlink > 1 trips node-tar 7.5:
    // a link target that is the pack's current job gets two entries and the pack never ends.)
    if (stats !== entry.stats) statCache.set(join(root, path), stats);
  }
  const pack = tar.c(
    {
      cwd: root,
      portable: true,
      noDirRecurse: true,
      follow: false,
      statCache,
      // Anything that became a symlink or special file since the walk is left out.
      filter: (_path, stat) => !('isFile' in stat) || stat.isFile() || stat.isDirectory(),
    },
    [...paths],
  );
  let tarBytes = 0;
  let gzBytes = 0;
  await pipeline(
    pack as unknown as Readable,
    counter((n) => (tarBytes += n)),
    createGzip(),
    counter((n) => (gzBytes += n)),
    createWriteStream(file),
  );
  return { entries: paths.length, bytes, tarBytes, gzBytes };
}

/**
 * The highest running ratio (decompressed ÷ compressed bytes so far) a restore sees while reading
 * the `.tar.gz` at `file`: node-tar checks that running ratio against `maxDecompressionRatio` after
 * every decompressed chunk, and {@link extractArchive} feeds it {@link FEED_SLICE}-byte slices. A
 * save checks its archive with this so it never writes one its own restore refuses.
 */
export async function peakRatio(file: string): Promise<number> {
  let compressed = 0;
  let decompressed = 0;
  let peak = 0;
  const gunzip = createGunzip();
  gunzip.on('data', (chunk: Buffer) => {
    decompressed += chunk.length;
    peak = Math.max(peak, decompressed / Math.max(compressed, 1));
  });
  await pipeline(createReadStream(file, { highWaterMark: FEED_SLICE }), counter((n) => (compressed += n)), gunzip);
  return peak;
}

function counter(add: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      add(chunk.length);
      callback(null, chunk);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Restoring
// ---------------------------------------------------------------------------------------------

/** Why a restore was refused (stable codes a caller can branch on). */
export type RefusalCode =
  | 'unsafe-path'
  | 'entry-type'
  | 'link-target'
  | 'part-not-directory'
  | 'duplicate-entry'
  | 'too-many-entries'
  | 'too-many-bytes'
  | 'file-too-large'
  | 'ratio'
  | 'corrupt'
  | 'bad-manifest'
  | 'target-not-empty';

/** The whole restore was refused: nothing of it was kept. `message` says why, for the user. */
export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** The archive entry (or object) at fault, when there is one. */
    readonly path?: string,
  ) {
    super(path === undefined ? message : `${message}: ${JSON.stringify(path).slice(0, 300)}`);
  }
}

/** Running totals of a restore over its archive chain (limits apply to the sum). */
export interface RestoreBudget {
  entries: number;
  bytes: number;
}

/**
 * Why an archive entry path is refused, or `undefined` when it is safe. Pure; exported for tests.
 * @param type node-tar entry type (`File`, `Directory`, `Link`, `SymbolicLink`, …)
 */
export function unsafeEntryReason(path: string, type: string, knownParts: readonly string[]): string | undefined {
  if (path.includes('\0')) return 'contains NUL';
  if (path.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(path)) return 'drive letter';
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return 'has a .. segment';
  const normalized = segments.join('/');
  if (!knownParts.some((part) => normalized === part || normalized.startsWith(`${part}/`))) return 'outside the known session parts';
  if (!ALLOWED_TYPES.has(type)) return `entry type ${type} is not allowed`;
  return undefined;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const ALLOWED_TYPES = new Set([...FILE_TYPES, 'Directory', 'Link']);

/** Entries accepted by the parser but not yet written; input waits above this (keeps memory flat). */
const MAX_IN_FLIGHT = 64;
/** Entries between two resets of node-tar's path-reservation table (see extractArchive). */
const RESERVATIONS_RESET = 2048;
/** Compressed input is fed in slices this big, so one chunk cannot queue thousands of entries. */
const FEED_SLICE = 4096;

export interface ExtractResult {
  /** Regular files written (hard links included). */
  files: number;
  directories: number;
  links: number;
}

/**
 * Extract one session archive, streamed from `body`, into `staging` (which must exist), enforcing
 * the module's rules and `limits` on `budget` (updated in place, shared by an archive chain).
 * @param owner uid/gid given to everything extracted (e.g. the agent's user when the server runs as
 *   root); default: the process's own (the archive's owner is never used)
 * @throws RestoreRefusedError when the archive is refused (the caller discards `staging`);
 *   the abort reason when `signal` aborts; the body's own error when the download fails.
 */
export async function extractArchive(
  body: AsyncIterable<Uint8Array> & Partial<Pick<Readable, 'destroy'>>,
  staging: string,
  parts: readonly string[],
  limits: SessionLimits,
  budget: RestoreBudget,
  signal?: AbortSignal,
  owner?: { uid: number; gid: number },
): Promise<ExtractResult> {
  checkParts(parts);
  const result: ExtractResult = { files: 0, directories: 0, links: 0 };
  /** Every path of this archive: `''` for a directory, the part it is in for a file or link. */
  const seen = new Map<string, string>();
  let failure: Error | undefined;
  let inFlight = 0;
  /** Accepted entries not fully written: ended on failure so their files are closed, not left open and growing. */
  const pending = new Set<tar.ReadEntry>();
  let busy = (): number => inFlight;
  /** Whether `busy` is node-tar's own count (see below). */
  let exact = false;
  let sinceReset = 0;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const refuse = (code: RefusalCode, message: string, path?: string): false => {
    fail(new RestoreRefusedError(code, message, path));
    return false;
  };
  const unpack = new tar.Unpack({
    cwd: staging,
    strict: true,
    preservePaths: false,
    preserveOwner: false,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    // A file a delta rewrites is created anew (node-tar would otherwise keep the old file's mode);
    // directories get their mode applied. The process umask still masks new files' modes.
    unlink: true,
    chmod: true,
    processUmask: 0,
    maxDecompressionRatio: limits.maxRatio,
    filter: (path, entry) => {
      if (failure) return false;
      const e = entry as tar.ReadEntry;
      const type = String(e.type);
      const reason = unsafeEntryReason(path, type, parts);
      if (reason) return refuse(reason.startsWith('entry type') ? 'entry-type' : 'unsafe-path', reason, path);
      const normalized = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
      const part = parts.find((p) => normalized === p || normalized.startsWith(`${p}/`))!;
      if (seen.has(normalized)) return refuse('duplicate-entry', 'the archive holds this path twice', path);
      seen.set(normalized, '');
      for (let i = normalized.indexOf('/'); i !== -1; i = normalized.indexOf('/', i + 1)) {
        if (seen.get(normalized.slice(0, i))) return refuse('unsafe-path', 'path below a file', path);
      }
      if (normalized === part && type !== 'Directory') return refuse('part-not-directory', 'a session folder is stored as a file', path);
      if (budget.entries + 1 > limits.maxEntries) return refuse('too-many-entries', `more than ${limits.maxEntries} entries (RESTORE_MAX_ENTRIES)`);
      const size = Number(e.size ?? 0);
      if (type === 'Directory' || type === 'Link') {
        if (size !== 0) return refuse('corrupt', `${type} entry with content`, path);
      } else {
        if (size > limits.maxFileBytes) return refuse('file-too-large', `a file of ${size} bytes exceeds ${limits.maxFileBytes} (RESTORE_MAX_FILE_BYTES)`, path);
        if (budget.bytes + size > limits.maxBytes) return refuse('too-many-bytes', `more than ${limits.maxBytes} bytes (RESTORE_MAX_BYTES)`, path);
      }
      if (type === 'Link') {
        const target = String(e.linkpath ?? '');
        const targetReason = unsafeEntryReason(target, 'File', parts);
        const normalizedTarget = target.split('/').filter((s) => s !== '' && s !== '.').join('/');
        if (targetReason || seen.get(normalizedTarget) !== part) {
          return refuse('link-target', `a hard link must point to a file stored before it in the same folder (target ${JSON.stringify(target).slice(0, 200)})`, path);
        }
      }
      budget.entries += 1;
      budget.bytes += type === 'Directory' || type === 'Link' ? 0 : size;
      if (type === 'Directory') result.directories += 1;
      else {
        seen.set(normalized, part);
        if (type === 'Link') result.links += 1;
        result.files += 1;
      }
      // Permission bits only (no setuid/setgid/sticky); the owner can always read and write.
      const mode = typeof e.mode === 'number' ? e.mode & 0o777 : type === 'Directory' ? 0o755 : 0o644;
      e.mode = mode | (type === 'Directory' ? 0o700 : 0o600);
      inFlight += 1;
      sinceReset += 1;
      pending.add(e);
      e.on('end', () => {
        inFlight -= 1;
        pending.delete(e);
        notify();
      });
      return true;
    },
  });

  // Backpressure on what node-tar has not finished writing (its entries in flight count only until
  // their data is handed to a file stream; the file's open/write/close/utimes come after). node-tar
  // keeps that count in an internal `pending` field and lowers it in `unpend`; when found, both are
  // used, otherwise the entry count above is the (looser) bound.
  const symbols = Object.getOwnPropertySymbols(unpack);
  const pendingField = symbols.find((symbol) => symbol.description === 'pending');
  const proto = Object.getPrototypeOf(unpack) as Record<symbol, unknown>;
  const unpendMethod = Object.getOwnPropertySymbols(proto).find((symbol) => symbol.description === 'unpend');
  const internals = unpack as unknown as Record<symbol, unknown>;
  if (pendingField && unpendMethod && typeof proto[unpendMethod] === 'function' && typeof internals[pendingField] === 'number') {
    const original = proto[unpendMethod] as (this: unknown) => void;
    internals[unpendMethod] = function (this: unknown) {
      original.call(this);
      notify();
    };
    busy = () => Math.max(inFlight, internals[pendingField] as number);
    exact = true;
  }

  let settle!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((resolve, rejectPromise) => {
    settle = resolve;
    reject = rejectPromise;
  });
  done.catch(() => undefined);
  function fail(error: Error): void {
    if (failure) return;
    failure = error;
    unpack.abort(error);
    body.destroy?.();
    for (const entry of pending) {
      try {
        entry.end();
      } catch {
        // already ended
      }
    }
    pending.clear();
    reject(error);
    notify();
  }
  unpack.on('error', (error: Error & { code?: string }) => {
    if (failure) return;
    // An archive of no entries (a delta that only deletes, an empty session) is two zero blocks,
    // which node-tar calls an unrecognized format; nothing was extracted, so it is simply empty.
    if (error.code === 'TAR_BAD_ARCHIVE' && seen.size === 0 && /Unrecognized archive format/.test(error.message)) return;
    const message = String(error.message ?? error);
    if (/decompression ratio/.test(message)) fail(new RestoreRefusedError('ratio', `${message} (RESTORE_MAX_RATIO)`));
    else fail(new RestoreRefusedError('corrupt', `the archive cannot be extracted: ${message}`));
  });
  unpack.on('close', () => settle());
  const onAbort = (): void => fail(signal?.reason instanceof Error ? signal.reason : new Error('restore aborted'));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    let first = true;
    for await (const chunk of body) {
      if (failure) break;
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (first && buffer.length > 0) {
        first = false;
        // Saves always write gzip; anything else (plain tar, brotli, zstd, garbage) is refused.
        if (buffer[0] !== 0x1f || (buffer.length > 1 && buffer[1] !== 0x8b)) {
          fail(new RestoreRefusedError('corrupt', 'the archive is not gzip-compressed'));
          break;
        }
      }
      for (let offset = 0; offset < buffer.length && !failure; offset += FEED_SLICE) {
        unpack.write(buffer.subarray(offset, offset + FEED_SLICE));
        while (busy() > MAX_IN_FLIGHT && !failure) await new Promise<void>((resolve) => (wake = resolve));
        if (exact && sinceReset >= RESERVATIONS_RESET && !failure) {
          // node-tar 7.5 never forgets a path reservation (each holds its entry, ~3 KB): 100k entries
          // held ~300 MB. Wait until at most the entry still being received is pending, then start a
          // fresh table: that entry's path cannot be reserved again (duplicates and paths below a
          // file are refused above), so it needs no ordering against later entries.
          while (busy() > 1 && !failure) await new Promise<void>((resolve) => (wake = resolve));
          const table = (unpack as unknown as { reservations: object }).reservations;
          (unpack as unknown as { reservations: object }).reservations = new (table.constructor as new () => object)();
          sinceReset = 0;
        }
      }
    }
    if (!failure) unpack.end();
  } catch (error) {
    if (!failure) fail(error as Error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  await done;
  if (failure) throw failure;
  return result;
}

/**
 * Whether this node-tar has the internals {@link extractArchive} relies on for tight memory bounds
 * (`pending` count, `unpend` hook, `reservations` table). Without them extraction stays correct
 * but its memory grows ~3 KB per entry. Exported for a test that catches a node-tar upgrade.
 */
export function unpackInternalsFound(): boolean {
  const unpack = new tar.Unpack({ cwd: tmpdir() });
  const proto = Object.getPrototypeOf(unpack) as object;
  return (
    Object.getOwnPropertySymbols(unpack).some((symbol) => symbol.description === 'pending') &&
    Object.getOwnPropertySymbols(proto).some((symbol) => symbol.description === 'unpend') &&
    typeof (unpack as unknown as { reservations?: object }).reservations === 'object'
  );
}

/**
 * Apply a delta's deletion list to `staging`: each path (a file or a whole directory) is removed.
 * @throws RestoreRefusedError (`bad-manifest`) when a path is unsafe or outside the parts, or is a part itself.
 */
export async function applyDeletions(staging: string, parts: readonly string[], deleted: readonly string[]): Promise<void> {
  for (const path of deleted) {
    if (typeof path !== 'string' || unsafeEntryReason(path, 'File', parts) || parts.includes(path)) {
      throw new RestoreRefusedError('bad-manifest', 'the session manifest lists an unsafe deletion', String(path));
    }
    await rm(join(staging, path), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Claude Code settings that run commands
// ---------------------------------------------------------------------------------------------

/**
 * Settings keys that make Claude Code run a command, load code or redirect its traffic, stripped
 * from restored settings (source: Claude Code's settings documentation — `hooks`, `apiKeyHelper`,
 * `statusLine`, `awsAuthRefresh`, `awsCredentialExport`, `otelHeadersHelper`, `fileSuggestion`
 * run commands; `env` sets the environment of every command (e.g. `NODE_OPTIONS`, `BASH_ENV`);
 * plugins and MCP servers start processes).
 */
export const COMMAND_SETTINGS_KEYS: readonly string[] = Object.freeze([
  'hooks',
  'apiKeyHelper',
  'statusLine',
  'awsAuthRefresh',
  'awsCredentialExport',
  'gcpAuthRefresh',
  'otelHeadersHelper',
  'fileSuggestion',
  'env',
  'enabledPlugins',
  'extraKnownMarketplaces',
  'enableAllProjectMcpServers',
  'enabledMcpjsonServers',
  'mcpServers',
]);

/** Settings files larger than this are dropped rather than parsed. */
const MAX_SETTINGS_BYTES = 1024 * 1024;

/** A settings file changed on restore: the keys removed, or `dropped` with why. */
export interface SanitizedSettings {
  path: string;
  removed: string[];
  dropped?: string;
}

/**
 * Strip {@link COMMAND_SETTINGS_KEYS} from the Claude Code settings restored under `staging`:
 * `<part>/settings*.json` of a config-dir part (`.claude-sessions/<name>`), `<part>/.claude/settings*.json`
 * of any part (project settings) and `mcpServers` of `<config part>/.claude.json` (top level and per project). A file that is not a JSON
 * object, or is over 1 MiB, is deleted.
 */
export async function sanitizeSettings(staging: string, parts: readonly string[]): Promise<SanitizedSettings[]> {
  const changed: SanitizedSettings[] = [];
  for (const part of parts) {
    for (const dir of [part, `${part}/.claude`]) {
      const names = await readdir(join(staging, dir)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        const configDir = dir === part && isConfigPart(part);
        const isSettings = (configDir || dir !== part) && /^settings.*\.json$/.test(name);
        const isState = configDir && name === '.claude.json';
        if (!isSettings && !isState) continue;
        const path = `${dir}/${name}`;
        const outcome = await sanitizeFile(join(staging, path), isState);
        if (outcome) changed.push({ path, ...outcome });
      }
    }
  }
  return changed;
}

/** A part that is a session's CLAUDE_CONFIG_DIR (`.claude-sessions/<name>`, see workspace.ts). */
function isConfigPart(part: string): boolean {
  return part.startsWith('.claude-sessions/');
}

async function sanitizeFile(file: string, stateFile: boolean): Promise<Omit<SanitizedSettings, 'path'> | undefined> {
  const st = await lstat(file);
  if (!st.isFile()) return undefined;
  const drop = async (why: string) => {
    await rm(file, { force: true });
    return { removed: [], dropped: why };
  };
  if (st.size > MAX_SETTINGS_BYTES) return drop(`larger than ${MAX_SETTINGS_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return drop('not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return drop('not a JSON object');
  const settings = value as Record<string, unknown>;
  const removed: string[] = [];
  if (stateFile) {
    if ('mcpServers' in settings) {
      delete settings.mcpServers;
      removed.push('mcpServers');
    }
    const projects = settings.projects;
    if (projects && typeof projects === 'object') {
      for (const [name, project] of Object.entries(projects as Record<string, unknown>)) {
        if (project && typeof project === 'object' && 'mcpServers' in project) {
          delete (project as Record<string, unknown>).mcpServers;
          removed.push(`projects.${name}.mcpServers`);
        }
      }
    }
  } else {
    for (const key of COMMAND_SETTINGS_KEYS) {
      if (Object.hasOwn(settings, key)) {
        delete settings[key];
        removed.push(key);
      }
    }
  }
  if (removed.length === 0) return undefined;
  await writeFile(file, `${JSON.stringify(settings, null, 2)}\n`);
  return { removed };
}
