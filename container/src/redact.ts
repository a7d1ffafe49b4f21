/**
 * Keep secrets out of everything the server sends or stores: replies, SSE events, run status,
 * logs, transcripts, uploaded files and session archives.
 *
 * A value is secret when its environment variable's name looks like a credential
 * (`KEY`, `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `CREDENTIAL`, `AUTH` as a word part) and the value is
 * at least 8 characters (shorter values would redact ordinary words). Values given explicitly
 * (e.g. a Git token read from Secrets Manager) are always secret.
 *
 * Each secret is matched in four encodings: raw, JSON-escaped, URL-encoded (`encodeURIComponent`,
 * and Python's `quote`/`quote_plus`) and base64 (standard and URL-safe alphabets, at each of the
 * three byte alignments a secret can have inside a longer encoded text — the characters that depend
 * only on the secret's bytes — also when wrapped across lines as `base64` and MIME do).
 */
import { fstat, open, read, readlink, write as fsWrite, ftruncate, close, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';

const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH|ACCESS_KEY_ID|SESSION_TOKEN)(_|$)/i;
const MIN_SECRET_LENGTH = 8;

/** The replacement text for a secret. */
export const REDACTED = '[REDACTED]';

/** Replaces every encoded form of every secret in a text with {@link REDACTED}. */
export interface Redactor {
  (text: string): string;
  /** Longest encoded form, in bytes (0 when there is no secret): the overlap a stream scan needs. */
  readonly maxFormBytes: number;
  /** Byte-level pattern (latin1 view of UTF-8 bytes) for scanning files; undefined without secrets. */
  readonly bytePattern?: RegExp;
}

/** Secret values found in `env` (see module doc), longest first. */
export function secretValues(env: NodeJS.ProcessEnv, extra: readonly string[] = []): string[] {
  const values = new Set<string>(extra.filter((v) => v.length > 0));
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/**
 * The base64 fragments that appear in any base64 text containing `secret`, one per byte
 * alignment (0, 1, 2 bytes before it in its 3-byte group), in the standard and URL-safe alphabets.
 * Pure; exported for tests.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64').replace(/=+$/, '');
    const start = [0, 2, 3][offset]!;
    const total = offset + bytes.length;
    const remainder = total % 3;
    const end = Math.floor(total / 3) * 4 + [0, 1, 2][remainder]!;
    const fragment = encoded.slice(start, end);
    if (fragment.length >= MIN_SECRET_LENGTH) forms.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * Percent-encoding of `text`'s UTF-8 bytes, keeping the characters `keep` matches (Python's
 * `urllib.parse.quote` keeps `A-Za-z0-9_.-~` and its `safe` set; `quote_plus` turns spaces into `+`).
 */
function percentEncode(text: string, keep: RegExp, spaceAsPlus = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && keep.test(char)) out += char;
    else if (spaceAsPlus && char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A secret's text encodings: raw, JSON-escaped, and the URL encodings of JavaScript and Python. */
function textForms(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    percentEncode(secret, /[A-Za-z0-9_.~\-/]/),
    percentEncode(secret, /[A-Za-z0-9_.~-]/),
    percentEncode(secret, /[A-Za-z0-9_.~-]/, true),
  ];
}

/** Every encoded form of the secrets (module doc), longest first, de-duplicated. */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of textForms(secret)) forms.add(form);
    for (const form of base64Forms(secret)) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Line breaks a wrapping encoder (`base64`, MIME, PEM: 64–76 columns) may put inside a form. */
const WRAP = '(?:\\r?\\n)?';

/** The regular-expression source of one form: base64 fragments may be wrapped across lines. */
function formSource(form: string, base64: boolean): string {
  return base64 ? [...form].map(escapeRegExp).join(WRAP) : escapeRegExp(form);
}

/** A {@link Redactor} for the secrets in `env` plus `extra` (see module doc). */
export function createRedactor(env: NodeJS.ProcessEnv, extra: readonly string[] = []): Redactor {
  return redactorFor(secretValues(env, extra));
}

/** A {@link Redactor} for exactly these secret values. */
export function redactorFor(secrets: readonly string[]): Redactor {
  const values = secrets.filter((s) => s.length > 0);
  const forms = secretForms(values);
  if (forms.length === 0) return Object.assign((text: string) => text, { maxFormBytes: 0 });
  const base64 = new Set(values.flatMap(base64Forms));
  const pattern = new RegExp(forms.map((f) => formSource(f, base64.has(f))).join('|'), 'g');
  const bytePattern = new RegExp(forms.map((f) => formSource(Buffer.from(f, 'utf8').toString('latin1'), base64.has(f))).join('|'), 'g');
  // A wrapped base64 form may hold a line break (2 bytes) every 64 characters.
  const maxFormBytes = Math.max(...forms.map((f) => Buffer.byteLength(f, 'utf8') + (base64.has(f) ? 2 * (Math.ceil(f.length / 64) + 1) : 0)));
  return Object.assign((text: string) => text.replace(pattern, REDACTED), { maxFormBytes, bytePattern });
}

/**
 * A deep copy of a JSON-like value with every string (values and keys) redacted. Used on every
 * document the server sends (reply, SSE event, status) and logs, so a secret cannot pass through
 * any field.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (redact.maxFormBytes === 0) return value;
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[redact(k)] = visit(item);
      return out;
    }
    return v;
  };
  return visit(value) as T;
}

export type ScrubResult = 'clean' | 'redacted' | 'skipped';

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const readAsync = promisify(read);
const readlinkAsync = promisify(readlink);
const writeAsync = promisify(fsWrite);
const ftruncateAsync = promisify(ftruncate);
const closeAsync = promisify(close);

/** Bytes read at a time while scanning or rewriting a file. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Remove secrets from one file under `root` (a real path), in place, whatever its size.
 *
 * The file is opened once with `O_NOFOLLOW` and everything happens on that descriptor, after
 * checking (through `/proc/self/fd`) that it really is a regular file inside `root`: a process of
 * the agent swapping a path for a symlink cannot make the server read or write anywhere else.
 * A file holding a secret is redacted into a private temporary file (streamed, memory bounded by
 * one chunk plus the longest secret form), then copied back over the same descriptor.
 * @returns `clean` (no secret), `redacted` (rewritten), `skipped` (not a regular file inside `root`, or gone).
 */
export async function scrubFile(path: string, root: string, redact: Redactor): Promise<ScrubResult> {
  const pattern = redact.bytePattern;
  if (!pattern) return 'clean';
  let fd: number;
  try {
    fd = await openAsync(path, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return 'skipped';
  }
  try {
    const stat = await fstatAsync(fd);
    if (!stat.isFile() || !(await fdIsInside(fd, root))) return 'skipped';
    const found = await containsSecret(fd, redact, pattern);
    if (!found) return 'clean';
    const scratch = await mkdtemp(join(tmpdir(), 'agentcore-scrub-'));
    try {
      const temp = await openAsync(join(scratch, 'file'), constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        let written = 0;
        await eachRedactedPiece(fd, redact, pattern, async (piece) => {
          const bytes = Buffer.from(piece, 'latin1');
          await writeAsync(temp, bytes, 0, bytes.length, written);
          written += bytes.length;
        });
        await ftruncateAsync(fd, 0);
        const chunk = Buffer.alloc(CHUNK_BYTES);
        for (let position = 0; position < written; ) {
          const { bytesRead } = await readAsync(temp, chunk, 0, chunk.length, position);
          if (bytesRead === 0) break;
          await writeAsync(fd, chunk, 0, bytesRead, position);
          position += bytesRead;
        }
      } finally {
        await closeAsync(temp).catch(() => undefined);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    return 'redacted';
  } finally {
    await closeAsync(fd).catch(() => undefined);
  }
}

/** True when any secret form occurs in the file (chunked scan; the last `maxFormBytes - 1` bytes carry over). */
async function containsSecret(fd: number, redact: Redactor, pattern: RegExp): Promise<boolean> {
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let carry = '';
  for (let position = 0; ; ) {
    const { bytesRead } = await readAsync(fd, chunk, 0, chunk.length, position);
    if (bytesRead === 0) return false;
    position += bytesRead;
    const text = carry + chunk.toString('latin1', 0, bytesRead);
    pattern.lastIndex = 0;
    if (pattern.test(text)) return true;
    carry = text.slice(Math.max(0, text.length - (redact.maxFormBytes - 1)));
  }
}

/**
 * Read `fd` from the start in chunks and hand its redacted text (latin1 view of the bytes) to
 * `sink` in order. A match can span chunks: only text before the last `maxFormBytes - 1` bytes is
 * emitted, and a match that starts before that cut is always complete inside the chunk (no form is
 * longer than `maxFormBytes`), so it is replaced whole.
 */
async function eachRedactedPiece(fd: number, redact: Redactor, pattern: RegExp, sink: (piece: string) => Promise<void>): Promise<void> {
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let carry = '';
  for (let position = 0; ; ) {
    const { bytesRead } = await readAsync(fd, chunk, 0, chunk.length, position);
    position += bytesRead;
    const text = carry + chunk.toString('latin1', 0, bytesRead);
    const last = bytesRead === 0;
    let cut = last ? text.length : Math.max(0, text.length - (redact.maxFormBytes - 1));
    let out = '';
    let from = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match && match.index < cut; match = pattern.exec(text)) {
      out += text.slice(from, match.index) + REDACTED;
      from = match.index + match[0].length;
      cut = Math.max(cut, from);
    }
    out += text.slice(from, cut);
    if (out) await sink(out);
    carry = text.slice(cut);
    if (last) return;
  }
}

/** True when the open descriptor's real path is inside `root` (Linux: `/proc/self/fd`). */
export async function fdIsInside(fd: number, root: string): Promise<boolean> {
  try {
    const real = await readlinkAsync(`/proc/self/fd/${fd}`);
    return real.startsWith(root.endsWith(sep) ? root : root + sep);
  } catch {
    return process.platform !== 'linux';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
