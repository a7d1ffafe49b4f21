/**
 * Pure helpers of `api-key`: masking, the `.gitignore` entry, the ready `curl` example.
 */

/** File the API key is saved to, in the current directory (the original scripts' name). */
export const API_KEY_FILE = '.api_key';

/**
 * Mask a secret for display: its first 4 characters, then `*` for the rest (at least 8), so two
 * keys can be told apart without revealing either.
 */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}${'*'.repeat(Math.max(8, secret.length - 4))}`;
}

/**
 * `.gitignore` content that ignores `entry`.
 * @param content the current content, or undefined when there is no `.gitignore`.
 * @returns the new content, or undefined when `entry` (or `/entry`) is already listed (idempotent).
 */
export function gitignoreWith(content: string | undefined, entry = API_KEY_FILE): string | undefined {
  const lines = (content ?? '').split(/\r?\n/).map((line) => line.trim());
  if (lines.includes(entry) || lines.includes(`/${entry}`)) return undefined;
  if (!content) return `${entry}\n`;
  return `${content}${content.endsWith('\n') ? '' : '\n'}${entry}\n`;
}

/** A ready-to-paste `curl` call of the HTTP API that reads the key from {@link API_KEY_FILE}. */
export function curlExample(endpoint: string, prompt = 'Create a hello world app'): string {
  return [
    `curl -X POST ${shellQuote(endpoint)} \\`,
    `  -H "x-api-key: $(cat ${API_KEY_FILE})" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify({ prompt }))}`,
  ].join('\n');
}

/** Quote a string for a POSIX shell (single quotes; an embedded `'` becomes `'\''`). */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
