/**
 * Keep secrets out of everything the server sends or stores: replies, SSE events, run status,
 * logs, transcripts, uploaded files and session archives.
 *
 * A value is secret when its environment variable's name looks like a credential
 * (`KEY`, `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `CREDENTIAL`, `AUTH` as a word part) and the value is
 * at least 8 characters (shorter values would redact ordinary words). Values given explicitly
 * (e.g. a Git token read from Secrets Manager) are always secret.
 *
 * Each secret is matched in four encodings: raw, JSON-escaped, URL-encoded (`encodeURIComponent`)
 * and base64 (standard and URL-safe alphabets, at each of the three byte alignments a secret can
 * have inside a longer encoded text — the characters that depend only on the secret's bytes).
 */
import { fstat, open, read, readlink, write as fsWrite, ftruncate, close, constants } from 'node:fs';
import { promisify } from 'node:util';
import { sep } from 'node:path';

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

/** Every encoded form of the secrets (module doc), longest first, de-duplicated. */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
    for (const form of base64Forms(secret)) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** A {@link Redactor} for the secrets in `env` plus `extra` (see module doc). */
export function createRedactor(env: NodeJS.ProcessEnv, extra: readonly string[] = []): Redactor {
  return redactorFor(secretValues(env, extra));
}

/** A {@link Redactor} for exactly these secret values. */
export function redactorFor(secrets: readonly string[]): Redactor {
  const forms = secretForms(secrets.filter((s) => s.length > 0));
  if (forms.length === 0) return Object.assign((text: string) => text, { maxFormBytes: 0 });
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  const byteForms = forms.map((f) => Buffer.from(f, 'utf8').toString('latin1'));
  const bytePattern = new RegExp(byteForms.map(escapeRegExp).join('|'), 'g');
  const maxFormBytes = Math.max(...byteForms.map((f) => f.length));
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

/** Largest file rewritten in place by {@link scrubFile}; larger files holding a secret are reported. */
export const MAX_SCRUB_BYTES = 64 * 1024 * 1024;

export type ScrubResult = 'clean' | 'redacted' | 'too-large' | 'skipped';

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const readAsync = promisify(read);
const readlinkAsync = promisify(readlink);
const writeAsync = promisify(fsWrite);
const ftruncateAsync = promisify(ftruncate);
const closeAsync = promisify(close);

/**
 * Remove secrets from one file under `root` (a real path), in place.
 *
 * The file is opened once with `O_NOFOLLOW` and everything happens on that descriptor, after
 * checking (through `/proc/self/fd`) that it really is a regular file inside `root`: a process of
 * the agent swapping a path for a symlink cannot make the server write anywhere else.
 * @returns `clean` (no secret), `redacted` (rewritten), `too-large` (a secret in a file over
 *   {@link MAX_SCRUB_BYTES}: the caller must not deliver it), `skipped` (not a regular file inside
 *   `root`, or gone).
 */
export async function scrubFile(path: string, root: string, redact: Redactor): Promise<ScrubResult> {
  const pattern = redact.bytePattern;
  if (!pattern) return 'clean';
  let fd: number;
  try {
    fd = await openAsync(path, constants.O_RDWR | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch {
    return 'skipped';
  }
  try {
    const stat = await fstatAsync(fd);
    if (!stat.isFile() || !(await fdIsInside(fd, root))) return 'skipped';
    const overlap = redact.maxFormBytes - 1;
    const chunk = Buffer.alloc(1024 * 1024);
    let carry = '';
    let position = 0;
    let found = false;
    for (;;) {
      const { bytesRead } = await readAsync(fd, chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const text = carry + chunk.toString('latin1', 0, bytesRead);
      pattern.lastIndex = 0;
      if (pattern.test(text)) {
        found = true;
        break;
      }
      carry = text.slice(Math.max(0, text.length - overlap));
    }
    if (!found) return 'clean';
    if (stat.size > MAX_SCRUB_BYTES) return 'too-large';
    const whole = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < whole.length) {
      const { bytesRead } = await readAsync(fd, whole, offset, whole.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    const cleaned = Buffer.from(whole.toString('latin1', 0, offset).replace(pattern, REDACTED), 'latin1');
    await ftruncateAsync(fd, 0);
    await writeAsync(fd, cleaned, 0, cleaned.length, 0);
    return 'redacted';
  } finally {
    await closeAsync(fd).catch(() => undefined);
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
