/**
 * Colour, decided in one place for everything the CLI writes (the output host's warnings, errors
 * and spinners, and the top-level error printer). Rules, first match wins:
 *
 * 1. `FORCE_COLOR` set: `1`, `true`, `2`, `3` or empty → colour; any other value (`0`, `false`) →
 *    none. As in Node.js, a supported value overrides `NO_COLOR`
 *    (https://nodejs.org/api/cli.html#force_color1-2-3).
 * 2. `NO_COLOR` set to a non-empty value → none (https://no-color.org).
 * 3. `CI` set (see `isCi`) → none: CI logs stay plain.
 * 4. The stream is not a TTY, or `TERM=dumb` → none.
 * 5. Otherwise colour.
 *
 * Colour never decides whether a spinner runs (that is a TTY without `CI`): `NO_COLOR` removes
 * colour only. @inquirer/prompts colours through Node's `tty.hasColors()`, which reads the same
 * `FORCE_COLOR`/`NO_COLOR` variables.
 */

/** True when `CI` is set to anything but `false`/`0`/empty. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Whether to write colour to `stream` (rules in the module docs). */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force.toLowerCase());
  if (env.NO_COLOR) return false;
  if (isCi(env)) return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** The SGR codes (open, close) of the colours the CLI uses. */
const SGR = {
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
  dim: [2, 22],
} as const;
export type Colour = keyof typeof SGR;

/** `text` in `colour` when `enabled`, else `text` unchanged. */
export function paint(colour: Colour, text: string, enabled: boolean): string {
  if (!enabled) return text;
  const [open, close] = SGR[colour];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
