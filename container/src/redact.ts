/**
 * Keep secrets out of transcripts, logs and outputs.
 *
 * A value is secret when its environment variable's name looks like a credential
 * (`KEY`, `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `CREDENTIAL`, `AUTH` as a word part) and the value is
 * at least 8 characters (shorter values would redact ordinary words). Values given explicitly
 * (e.g. a Git token read from Secrets Manager) are always secret.
 */

const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH|ACCESS_KEY_ID|SESSION_TOKEN)(_|$)/i;
const MIN_SECRET_LENGTH = 8;

/** The replacement text for a secret. */
export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

/** Secret values found in `env` (see module doc), longest first. */
export function secretValues(env: NodeJS.ProcessEnv, extra: readonly string[] = []): string[] {
  const values = new Set<string>(extra.filter((v) => v.length > 0));
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** A function replacing every occurrence of each secret (and its JSON-escaped form) with {@link REDACTED}. */
export function createRedactor(env: NodeJS.ProcessEnv, extra: readonly string[] = []): Redactor {
  const secrets = secretValues(env, extra);
  if (secrets.length === 0) return (text) => text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
