/**
 * S3-backed session state, so a runtime session survives its microVM (AgentCore recycles a VM
 * after 15 minutes idle or 8 hours; the next invocation for that session may land on a new one).
 *
 * Objects per session key `<id>` (the session's S3-safe directory name, see {@link assertSessionKey}):
 * - `sessions/<id>.json` — {@link SessionRecord}: what `agentcore-claude sessions` lists, and the
 *   commit point of a save: its `archive` manifest names the archives that make up the state;
 * - `sessions/<id>.tar.gz` — the base archive: the whole state at its save (session-archive.ts),
 *   tagged with the manifest's `generation` (object metadata);
 * - `sessions/<id>/delta-<n>-<random>.tar.gz` — what changed after the base, one per save, each with
 *   its deletion list in the manifest.
 *
 * A save packs only what changed since this store's last save or restore of the session (it keeps
 * that snapshot in memory and diffs a fresh stat walk against it) and compacts into a new base when
 * deltas pile up ({@link MAX_DELTAS}, or when they outweigh the base, or when the chain would pass a
 * limit). Rebuildable folders (`SESSION_EXCLUDE`) are never saved. Order of writes: archive, then
 * record; an archive without its record is never read, and a base newer than the record (a save
 * that died between the two) is restored alone, which is its complete state.
 *
 * A restore reads the record, streams the base and each delta into a staging directory under the
 * root (deletions applied before each delta), with every limit of {@link SessionLimits} applied to
 * the sum, strips command-running keys from Claude Code settings, and only then moves the parts
 * into place. A refused restore (crafted archive, limit) keeps nothing and says why.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  applyDeletions,
  checkParts,
  extractArchive,
  packPaths,
  peakRatio,
  RestoreRefusedError,
  sanitizeSettings,
  walkParts,
  type RestoreBudget,
  type SanitizedSettings,
  type SkippedFile,
  type Snapshot,
  type WalkEntry,
} from './session-archive.js';
import { assertSessionKey, sessionExcludeFromEnv, sessionLimitsFromEnv, type SessionLimits } from './session-limits.js';
import { SESSIONS_PREFIX } from './vendor/protocol/s3-layout.js';
import type { ArchiveInfo, ArchiveManifest, SessionRecord } from './vendor/protocol/session-record.js';

export { RestoreRefusedError } from './session-archive.js';

export { SESSIONS_PREFIX } from './vendor/protocol/s3-layout.js';
export type { ArchiveInfo, ArchiveManifest, SessionRecord } from './vendor/protocol/session-record.js';

/** Deltas kept before a save compacts the chain into a new base. */
export const MAX_DELTAS = 8;

/** Skipped files listed in a record (the count is always complete). */
const MAX_SKIPPED_LISTED = 50;

/** What a save records beside the files. */
export interface SaveUpdate {
  prompt: string;
  claudeSessionId?: string;
  /** The session's current record (its manifest is the chain to extend; its totals are added to). */
  previous?: SessionRecord;
  signal?: AbortSignal;
  /** The AgentCore runtime session id the record lists; default: the previous record's, else the key name. */
  runtimeSessionId?: string;
  /** This invocation's estimated cost, US dollars (added to `total_cost_usd`). */
  costUsd?: number;
  /** False for a save that is not an invocation (`sessions export`): counts and prompts stay. Default true. */
  invocation?: boolean;
  /** Where the session lives between invocations (default `s3`). */
  storage?: SessionRecord['storage'];
}

/** The record fields every save updates the same way. */
function nextRecord(sessionId: string, update: SaveUpdate, now: string, fileCount: number): SessionRecord {
  const previous = update.previous;
  const invocation = update.invocation !== false;
  return {
    runtime_session_id: update.runtimeSessionId ?? previous?.runtime_session_id ?? sessionId,
    claude_session_id: update.claudeSessionId ?? previous?.claude_session_id,
    created_at: previous?.created_at ?? now,
    updated_at: now,
    file_count: fileCount,
    first_prompt: previous?.first_prompt ?? update.prompt.slice(0, 500),
    last_prompt: invocation ? update.prompt.slice(0, 500) : (previous?.last_prompt ?? update.prompt.slice(0, 500)),
    invocations: (previous?.invocations ?? 0) + (invocation ? 1 : 0),
    total_cost_usd: roundUsd((previous?.total_cost_usd ?? 0) + (invocation ? (update.costUsd ?? 0) : 0)),
    storage: update.storage ?? previous?.storage ?? 's3',
  };
}

/** Dollars to 1/1,000,000 (sums of float estimates otherwise print as 0.30000000000000004). */
function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** What {@link SessionStore.save} did, beside the record it wrote. */
export interface SaveResult extends SessionRecord {
  /** `base` (whole state), `delta` (changes only) or `none` (nothing changed: record only). */
  saved_as: 'base' | 'delta' | 'none';
  /** Files left out, with why (also in the record, truncated). */
  skipped: SkippedFile[];
}

/**
 * The outcome of {@link SessionStore.restore}. The `fileCount`/`refused`/`record` fields keep the
 * shape callers used before; `refusal` is set when the whole restore was refused.
 */
export interface RestoreResult {
  /** Regular files restored (0 when refused). */
  fileCount: number;
  /** Empty when restored; one `{path, reason}` naming why when refused. */
  refused: Array<{ path: string; reason: string }>;
  /** Set when the restore was refused: the parts are left empty. */
  refusal?: RestoreRefusedError;
  /** Settings files whose command-running keys were stripped (or that were dropped). */
  sanitized: SanitizedSettings[];
  /**
   * The session's record. When refused, `claude_session_id` is removed (its transcript was not
   * restored, so it cannot be resumed) and the counters are kept.
   */
  record?: SessionRecord;
  /** Archives applied (base + deltas). */
  archives: number;
  /** Wall time of the restore, in ms. */
  ms: number;
}

export interface SessionStoreOptions {
  /** Restore/save limits; default {@link sessionLimitsFromEnv} of `process.env`. */
  limits?: Partial<SessionLimits>;
  /** Directory names never saved; default {@link sessionExcludeFromEnv} of `process.env`. */
  exclude?: readonly string[];
}

/** @throws Error on a session key that is not S3-safe (see {@link assertSessionKey}). */
export function sessionArchiveKey(sessionId: string): string {
  assertSessionKey(sessionId);
  return `${SESSIONS_PREFIX}${sessionId}.tar.gz`;
}
/** @throws Error on a session key that is not S3-safe (see {@link assertSessionKey}). */
export function sessionRecordKey(sessionId: string): string {
  assertSessionKey(sessionId);
  return `${SESSIONS_PREFIX}${sessionId}.json`;
}
function deltaKey(sessionId: string, index: number): string {
  return `${SESSIONS_PREFIX}${sessionId}/delta-${index}-${randomBytes(6).toString('hex')}.tar.gz`;
}

/** What this store saved or restored last for a session: the base of the next diff. */
interface SessionState {
  generation: string;
  deltaKeys: string[];
  snapshot: Snapshot;
}

export class SessionStore {
  readonly limits: SessionLimits;
  readonly exclude: readonly string[];
  private readonly states = new Map<string, SessionState>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    options: SessionStoreOptions = {},
  ) {
    this.limits = { ...sessionLimitsFromEnv(), ...options.limits };
    this.exclude = options.exclude ?? sessionExcludeFromEnv();
  }

  /**
   * Write only the session's record (no archive): for sessions whose files live on AgentCore's
   * managed session storage. An archive a previous `sessions export` wrote stays listed.
   * @returns the record written
   */
  async saveRecord(sessionId: string, update: SaveUpdate & { fileCount: number }): Promise<SessionRecord> {
    assertSessionKey(sessionId);
    const previous = update.previous;
    const record: SessionRecord = {
      ...nextRecord(sessionId, update, new Date().toISOString(), update.fileCount),
      ...(previous?.archive ? { archive: previous.archive } : {}),
    };
    await this.putRecord(sessionId, record, update.signal);
    return record;
  }

  private async putRecord(sessionId: string, record: SessionRecord, signal?: AbortSignal): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: sessionRecordKey(sessionId), Body: JSON.stringify(record, null, 2), ContentType: 'application/json' }),
      { abortSignal: signal },
    );
  }

  /** The session's record, or `undefined` when the session was never saved. */
  async record(sessionId: string, options: { signal?: AbortSignal } = {}): Promise<SessionRecord | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: sessionRecordKey(sessionId) }), {
        abortSignal: options.signal,
      });
      return JSON.parse(await object.Body!.transformToString()) as SessionRecord;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Save `<root>/<part>` for each part: only what changed since this store's last save or restore
   * of the session (a delta), or the whole state (a base) when it has no such snapshot, when
   * `update.previous` is not the chain it knows, or when the chain needs compacting. Files over a
   * limit are left out and reported (so the save never writes what its own restore refuses).
   * @param update.previous the session's current record (its manifest is the chain to extend)
   * @param update.signal aborts the S3 calls
   * @param update.runtimeSessionId the AgentCore runtime session id the record lists (what the CLI
   *   continues); default: the previous record's, else `sessionId` (the S3 key name)
   * @returns the record written, with `saved_as` and `skipped`
   * @throws Error on an invalid session key or part, an S3 failure, or an archive that stays over
   *   the compression-ratio limit even without its large files.
   */
  async save(
    sessionId: string,
    root: string,
    parts: readonly string[],
    update: SaveUpdate,
  ): Promise<SaveResult> {
    assertSessionKey(sessionId);
    checkParts(parts);
    const walked = await walkParts(root, parts, this.exclude);
    const { kept, skipped } = applySaveLimits(walked, this.limits);
    const state = this.states.get(sessionId);
    const manifest = update.previous?.archive;
    const known =
      state !== undefined &&
      manifest !== undefined &&
      manifest.generation === state.generation &&
      manifest.deltas.length === state.deltaKeys.length &&
      manifest.deltas.every((d, i) => d.key === state.deltaKeys[i]);

    const tempDir = await mkdtemp(join(tmpdir(), 'session-pack-'));
    try {
      let savedAs: SaveResult['saved_as'] = 'base';
      let next: ArchiveManifest | undefined;
      const obsolete: string[] = [];
      if (known) {
        const delta = diff(state.snapshot, kept);
        if (delta.changed.length === 0 && delta.deleted.length === 0) {
          savedAs = 'none';
          next = manifest;
        } else if (manifest.deltas.length < MAX_DELTAS) {
          const file = join(tempDir, 'delta.tar.gz');
          const packed = await packPaths(root, kept, delta.changed, file);
          const chainEntries = manifest.base.entries + sum(manifest.deltas, 'entries') + packed.entries;
          const chainBytes = manifest.base.bytes + sum(manifest.deltas, 'bytes') + packed.bytes;
          const deltaCompressed = sum(manifest.deltas, 'compressed') + packed.gzBytes;
          const fits =
            chainEntries <= this.limits.maxEntries &&
            chainBytes <= this.limits.maxBytes &&
            deltaCompressed <= Math.max(manifest.base.compressed, 1024 * 1024) &&
            (await peakRatio(file)) <= this.limits.maxRatio * RATIO_MARGIN;
          if (fits) {
            const key = deltaKey(sessionId, manifest.deltas.length + 1);
            await this.put(key, file, packed.gzBytes, {}, update.signal);
            savedAs = 'delta';
            next = {
              ...manifest,
              deltas: [...manifest.deltas, { key, entries: packed.entries, bytes: packed.bytes, compressed: packed.gzBytes, deleted: delta.deleted }],
            };
          }
        }
        if (!next) obsolete.push(...manifest.deltas.map((d) => d.key));
      } else if (manifest) {
        obsolete.push(...manifest.deltas.map((d) => d.key));
      }
      if (!next) {
        const file = join(tempDir, 'base.tar.gz');
        const packed = await this.packBase(root, kept, skipped, file);
        const generation = randomBytes(12).toString('hex');
        const key = sessionArchiveKey(sessionId);
        await this.put(key, file, packed.gzBytes, { generation }, update.signal);
        next = { format: 1, generation, base: { key, entries: packed.entries, bytes: packed.bytes, compressed: packed.gzBytes }, deltas: [] };
      }

      const now = new Date().toISOString();
      const previous = update.previous;
      const fileCount = [...kept.values()].filter((e) => e.type === 'file').length;
      const record: SessionRecord = {
        ...nextRecord(sessionId, update, now, fileCount),
        archive: next,
        ...(skipped.length > 0 ? { skipped_files: skipped.slice(0, MAX_SKIPPED_LISTED), skipped_count: skipped.length } : {}),
      };
      await this.putRecord(sessionId, record, update.signal);
      this.states.set(sessionId, { generation: next.generation, deltaKeys: next.deltas.map((d) => d.key), snapshot: kept });
      if (obsolete.length > 0) {
        await this.s3
          .send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: obsolete.map((Key) => ({ Key })), Quiet: true } }), {
            abortSignal: update.signal,
          })
          .catch(() => undefined);
      }
      return { ...record, saved_as: savedAs, skipped };
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  }

  /**
   * Pack every kept path; while the archive's running compression ratio is over the limit, leave
   * the largest remaining file out (recorded in `skipped`) and pack again.
   */
  private async packBase(root: string, kept: Snapshot, skipped: SkippedFile[], file: string) {
    for (let attempt = 0; ; attempt++) {
      const packed = await packPaths(root, kept, [...kept.keys()], file);
      const ratio = await peakRatio(file);
      if (ratio <= this.limits.maxRatio * RATIO_MARGIN) return packed;
      let largest: [string, WalkEntry] | undefined;
      for (const item of kept) if (item[1].type === 'file' && (!largest || item[1].stats.size > largest[1].stats.size)) largest = item;
      if (!largest || largest[1].stats.size < 64 * 1024 || attempt >= 16) {
        throw new Error(`The session archive compresses ${ratio.toFixed(0)}:1, over RESTORE_MAX_RATIO ${this.limits.maxRatio}: not saved`);
      }
      kept.delete(largest[0]);
      skipped.push({ path: largest[0], size: largest[1].stats.size, reason: `compresses too well (archive ratio ${ratio.toFixed(0)}:1 > RESTORE_MAX_RATIO ${this.limits.maxRatio})` });
    }
  }

  private async put(key: string, file: string, length: number, metadata: Record<string, string>, signal?: AbortSignal): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: length,
        ContentType: 'application/gzip',
        Metadata: metadata,
      }),
      { abortSignal: signal },
    );
  }

  /**
   * Download the session's archive chain and restore it into `<root>/<part>` for each part (each
   * must be missing or an empty directory). Streams every archive; see the module doc for what is
   * refused.
   * @param options.signal aborts the S3 calls and the extraction (the parts are left empty)
   * @param options.owner uid/gid of everything restored (e.g. the agent's user when the server runs
   *   as root); default: the server's own. The archive's owner is never used.
   * @returns the result (with `refusal` when refused: nothing restored), or `undefined` when the
   *   session has no saved archive
   * @throws Error on an invalid session key or part, an S3 failure or an abort; never for a crafted archive
   */
  async restore(
    sessionId: string,
    root: string,
    parts: readonly string[],
    options: { signal?: AbortSignal; owner?: { uid: number; gid: number } } = {},
  ): Promise<RestoreResult | undefined> {
    assertSessionKey(sessionId);
    checkParts(parts);
    const started = performance.now();
    let record: SessionRecord | undefined;
    try {
      record = await this.record(sessionId, options);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
    const manifest = record?.archive;
    await mkdir(root, { recursive: true });
    for (const part of parts) {
      const names = await readdir(join(root, part)).catch(() => [] as string[]);
      if (names.length > 0) {
        const refusal = new RestoreRefusedError('target-not-empty', 'the session folder is not empty', part);
        return { fileCount: 0, refused: [{ path: part, reason: refusal.message }], refusal, sanitized: [], record, archives: 0, ms: performance.now() - started };
      }
    }
    const staging = await mkdtemp(join(root, '.session-restore-'));
    const budget: RestoreBudget = { entries: 0, bytes: 0 };
    let archives = 0;
    let fileCount = 0;
    try {
      const chain = manifest ? validManifest(sessionId, manifest, this.limits) : [{ key: sessionArchiveKey(sessionId), deleted: [] as string[] }];
      for (const [index, item] of chain.entries()) {
        let object;
        try {
          object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: item.key }), { abortSignal: options.signal });
        } catch (error) {
          if (index === 0 && isNotFound(error)) return undefined;
          if (isNotFound(error)) throw new RestoreRefusedError('bad-manifest', 'an archive of the session is missing', item.key);
          throw error;
        }
        await applyDeletions(staging, parts, item.deleted);
        const extracted = await extractArchive(object.Body as Readable, staging, parts, this.limits, budget, options.signal, options.owner);
        archives += 1;
        fileCount += extracted.files;
        // A base newer than the record (a save died before writing it) is the complete state.
        if (index === 0 && manifest && object.Metadata?.generation !== manifest.generation) break;
      }
      const sanitized = await sanitizeSettings(staging, parts);
      for (const part of parts) await moveIntoPlace(join(staging, part), join(root, part));
      const snapshot = await walkParts(root, parts, this.exclude);
      fileCount = [...snapshot.values()].filter((e) => e.type === 'file').length;
      if (manifest) this.states.set(sessionId, { generation: manifest.generation, deltaKeys: archives === chain.length ? manifest.deltas.map((d) => d.key) : ['(stale)'], snapshot });
      return { fileCount, refused: [], sanitized, record, archives, ms: performance.now() - started };
    } catch (error) {
      if (!(error instanceof RestoreRefusedError)) throw error;
      // Nothing was moved into place: the parts are left (or made) empty directories.
      for (const part of parts) await mkdir(join(root, part), { recursive: true });
      const kept = record ? { ...record } : undefined;
      if (kept) delete kept.claude_session_id;
      return {
        fileCount: 0,
        refused: [{ path: error.path ?? '(archive)', reason: error.message }],
        refusal: error,
        sanitized: [],
        record: kept,
        archives,
        ms: performance.now() - started,
      };
    } finally {
      // After a refusal node-tar may still be finishing (at most 64) writes into staging: retry on ENOTEMPTY.
      await rm(staging, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 }).catch(() => undefined);
    }
  }
}

/** A save requires its archive's running ratio to stay this far below the limit (chunking differs a little between save and restore). */
const RATIO_MARGIN = 0.9;

function sum<T extends Record<K, number>, K extends string>(items: readonly T[], key: K): number {
  return items.reduce((total, item) => total + item[key], 0);
}

/**
 * The walk minus what a save leaves out: files over `maxFileBytes`, then (in walk order) files and
 * directories past `maxBytes` or `maxEntries`. Names of an already-counted inode add no bytes.
 */
function applySaveLimits(walked: Snapshot, limits: SessionLimits): { kept: Snapshot; skipped: SkippedFile[] } {
  const kept: Snapshot = new Map();
  const skipped: SkippedFile[] = [];
  const droppedDirs = new Set<string>();
  const inodes = new Set<string>();
  let bytes = 0;
  for (const [path, entry] of walked) {
    const size = entry.stats.size;
    const parent = path.slice(0, path.lastIndexOf('/'));
    const overEntries = kept.size + 1 > limits.maxEntries;
    if (droppedDirs.has(parent) || overEntries) {
      if (entry.type === 'dir') droppedDirs.add(path);
      else skipped.push({ path, size, reason: `over RESTORE_MAX_ENTRIES ${limits.maxEntries} for the session` });
      continue;
    }
    if (entry.type === 'file') {
      const inode = `${entry.part}:${entry.stats.dev}:${entry.stats.ino}`;
      const counted = entry.stats.nlink > 1 && inodes.has(inode);
      if (size > limits.maxFileBytes) {
        skipped.push({ path, size, reason: `larger than RESTORE_MAX_FILE_BYTES ${limits.maxFileBytes}` });
        continue;
      }
      if (!counted && bytes + size > limits.maxBytes) {
        skipped.push({ path, size, reason: `over RESTORE_MAX_BYTES ${limits.maxBytes} for the session` });
        continue;
      }
      if (!counted) bytes += size;
      if (entry.stats.nlink > 1) inodes.add(inode);
    }
    kept.set(path, entry);
  }
  return { kept, skipped };
}

/**
 * What changed from `before` to `after`: paths to pack (new or changed files and directories, in
 * `after`'s order, with every same-part name of a changed hard-linked file), and deletions (paths
 * gone or whose type changed; a deleted directory stands for everything below it).
 */
function diff(before: Snapshot, after: Snapshot): { changed: string[]; deleted: string[] } {
  const changed = new Set<string>();
  const linked: WalkEntry[] = [];
  for (const [path, entry] of after) {
    const old = before.get(path);
    if (!old || old.type !== entry.type || modified(old, entry)) {
      changed.add(path);
      if (entry.type === 'file' && entry.stats.nlink > 1) linked.push(entry);
    }
  }
  if (linked.length > 0) {
    const wanted = new Set(linked.map((e) => `${e.part}:${e.stats.dev}:${e.stats.ino}`));
    for (const [path, entry] of after) {
      if (entry.type === 'file' && wanted.has(`${entry.part}:${entry.stats.dev}:${entry.stats.ino}`)) changed.add(path);
    }
  }
  const deleted: string[] = [];
  const deletedDirs: string[] = [];
  for (const [path, old] of before) {
    const now = after.get(path);
    if (now && now.type === old.type) continue;
    if (deletedDirs.some((dir) => path.startsWith(`${dir}/`))) continue;
    deleted.push(path);
    if (old.type === 'dir') deletedDirs.push(path);
  }
  return { changed: [...after.keys()].filter((p) => changed.has(p)), deleted };
}

function modified(old: WalkEntry, now: WalkEntry): boolean {
  const a = old.stats;
  const b = now.stats;
  if ((a.mode & 0o7777) !== (b.mode & 0o7777)) return true;
  if (now.type === 'dir') return false;
  return a.size !== b.size || a.mtimeMs !== b.mtimeMs || a.ctimeMs !== b.ctimeMs || a.ino !== b.ino || a.nlink !== b.nlink;
}

/** Check an untrusted manifest; the chain to apply (base first). @throws RestoreRefusedError (`bad-manifest`). */
function validManifest(sessionId: string, manifest: ArchiveManifest, limits: SessionLimits): Array<{ key: string; deleted: string[] }> {
  const bad = (why: string) => new RestoreRefusedError('bad-manifest', `the session record's archive manifest is invalid: ${why}`);
  if (!manifest || typeof manifest !== 'object' || manifest.format !== 1 || typeof manifest.generation !== 'string') throw bad('unknown format');
  if (manifest.base?.key !== sessionArchiveKey(sessionId)) throw bad('unexpected base key');
  if (!Array.isArray(manifest.deltas) || manifest.deltas.length > 64) throw bad('deltas');
  const deltaPattern = new RegExp(`^${SESSIONS_PREFIX}${sessionId.replace(/[.]/g, '\\.')}/delta-\\d+-[0-9a-f]+\\.tar\\.gz$`);
  const chain = [{ key: manifest.base.key, deleted: [] as string[] }];
  for (const delta of manifest.deltas) {
    if (typeof delta?.key !== 'string' || !deltaPattern.test(delta.key)) throw bad('unexpected delta key');
    if (!Array.isArray(delta.deleted) || delta.deleted.length > limits.maxEntries) throw bad('deletion list');
    chain.push({ key: delta.key, deleted: delta.deleted });
  }
  return chain;
}

/** Replace `target` (missing or an empty directory) by `source` (missing → target left as an empty directory). */
async function moveIntoPlace(source: string, target: string): Promise<void> {
  const present = await stat(source).catch(() => undefined);
  const existing = await readdir(target).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
  if (existing && existing.length > 0) throw new RestoreRefusedError('target-not-empty', 'the session folder is not empty', target);
  if (!present) {
    await mkdir(target, { recursive: true });
    return;
  }
  if (existing) await rmdir(target);
  await mkdir(dirname(target), { recursive: true });
  await rename(source, target);
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return error instanceof NoSuchKey || e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
