/**
 * Runs' outputs (`download` calls them runs; named `OutputSession` here): the folders
 * `outputs/<run>/` the agent writes, one per invocation, grouped from an S3 listing. Run names
 * start with a UTC timestamp `YYYYMMDD_HHMMSS` (optionally `_suffix`). Pure.
 */
import { checkOutputKey, isFolderMarker, OUTPUTS_PREFIX, unsafeSegmentReason } from './output-keys.js';

/** One object of a listing (the fields of S3 ListObjectsV2 `Contents` we use). */
export interface OutputObject {
  key: string;
  size: number;
  etag: string;
  lastModified?: Date;
}

/** A safe object of a session with its local relative path. */
export interface SessionFile extends OutputObject {
  /** Path segments below the session folder. */
  segments: string[];
}

export interface OutputSession {
  /** The folder name under `outputs/`, e.g. `20250101_120000_abc`. */
  name: string;
  /** ISO-8601 time parsed from the name (UTC), or the newest object's LastModified, or null. */
  timestamp: string | null;
  fileCount: number;
  totalBytes: number;
  files: SessionFile[];
  /** Keys of this session refused by the key-safety check. */
  refused: RefusedKey[];
}

export interface RefusedKey {
  key: string;
  reason: string;
}

export interface SessionListing {
  /** Newest first. */
  sessions: OutputSession[];
  /** Keys that belong to no safe session (e.g. `outputs/../x`, `outputs/file.txt`). */
  orphans: RefusedKey[];
}

/**
 * Parse `YYYYMMDD_HHMMSS` at the start of a session name as a UTC time.
 * @returns ISO-8601 string, or null when the name does not start with a valid timestamp.
 */
export function sessionTimestamp(name: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_|$)/.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return date.toISOString();
}

/**
 * Group a listing of `outputs/` into sessions, newest first (by timestamp in the name, then by
 * newest LastModified, then by name descending). Folder markers are ignored; unsafe keys are
 * kept aside as refused, in their session when the session name itself is safe.
 */
export function groupSessions(objects: OutputObject[]): SessionListing {
  const byName = new Map<string, OutputSession & { newest: number }>();
  const orphans: RefusedKey[] = [];
  for (const object of objects) {
    if (isFolderMarker(object.key, object.size)) continue;
    const check = checkOutputKey(object.key);
    if (!check.ok) {
      const sessionName = sessionOf(object.key);
      const session = sessionName === undefined ? undefined : sessionFor(byName, sessionName);
      (session ? session.refused : orphans).push({ key: object.key, reason: check.reason });
      continue;
    }
    const session = sessionFor(byName, check.session)!;
    session.files.push({ ...object, segments: check.segments });
    session.fileCount += 1;
    session.totalBytes += object.size;
    session.newest = Math.max(session.newest, object.lastModified?.getTime() ?? 0);
  }
  const sessions = [...byName.values()].map(({ newest, ...session }) => ({
    ...session,
    timestamp: session.timestamp ?? (newest > 0 ? new Date(newest).toISOString() : null),
    newest,
  }));
  sessions.sort(
    (a, b) =>
      (b.timestamp ?? '').localeCompare(a.timestamp ?? '') || b.newest - a.newest || b.name.localeCompare(a.name),
  );
  return { sessions: sessions.map(({ newest: _n, ...s }) => s), orphans };
}

/** The raw session segment of a key if it is a safe folder name, else undefined. */
function sessionOf(key: string): string | undefined {
  if (!key.startsWith(OUTPUTS_PREFIX)) return undefined;
  const rest = key.slice(OUTPUTS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const name = rest.slice(0, slash);
  return unsafeSegmentReason(name) === undefined ? name : undefined;
}

function sessionFor(map: Map<string, OutputSession & { newest: number }>, name: string) {
  let session = map.get(name);
  if (!session) {
    session = { name, timestamp: sessionTimestamp(name), fileCount: 0, totalBytes: 0, files: [], refused: [], newest: 0 };
    map.set(name, session);
  }
  return session;
}

/**
 * Select sessions by `--session` values: each value matches a session by exact name (a leading
 * `outputs/` and trailing `/` are ignored), else every session whose name starts with it.
 * @returns the selected sessions (listing order, no duplicates) and the values that matched nothing.
 */
export function selectSessions(sessions: OutputSession[], values: string[]): { selected: OutputSession[]; unmatched: string[] } {
  const chosen = new Set<string>();
  const unmatched: string[] = [];
  for (const raw of values) {
    const value = raw.replace(/^outputs\//, '').replace(/\/+$/, '');
    const exact = sessions.find((s) => s.name === value);
    const matches = exact ? [exact] : value ? sessions.filter((s) => s.name.startsWith(value)) : [];
    if (matches.length === 0) unmatched.push(raw);
    for (const m of matches) chosen.add(m.name);
  }
  return { selected: sessions.filter((s) => chosen.has(s.name)), unmatched };
}

/** Human size: 0 B, 1.5 KiB, 12.3 MiB (binary units). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
