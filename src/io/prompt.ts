/**
 * Prompts that never hang (after wrangler's dialogs.ts).
 *
 * On an interactive terminal they ask with `@inquirer/prompts`. Without one (no TTY, or `CI` set)
 * they never wait for input: they return the fallback given by the caller, or throw a
 * {@link UsageError} naming the flag that answers the question up front.
 */
import { UsageError } from '../core/errors.js';
import type { IoHost } from './host.js';

export interface ConfirmOptions {
  /** The flag that answers "yes" without asking, e.g. `--yes`. Named in the error when non-interactive. */
  flag: string;
  /** Answer used when the user just presses Enter. Destructive questions default to `false`. */
  default?: boolean;
}

/**
 * Ask a yes/no question on stderr.
 * @throws UsageError when the session is not interactive (the caller should have checked `--yes`).
 */
export async function askConfirm(io: IoHost, message: string, options: ConfirmOptions): Promise<boolean> {
  if (!io.interactive) {
    throw new UsageError(`${message} — cannot ask: not an interactive terminal.`, {
      hint: `Pass ${options.flag} to confirm without a prompt.`,
      code: 'CONFIRMATION_REQUIRED',
    });
  }
  // @inquirer is loaded only when a question is really asked (start-up time, issue 10).
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: options.default ?? false }, { output: process.stderr });
}

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/**
 * Pick one or several items.
 * @throws UsageError when not interactive; `flagsHint` says which flags select without a prompt.
 */
export async function askChoices<T>(
  io: IoHost,
  message: string,
  choices: Choice<T>[],
  flagsHint: string,
): Promise<T[]> {
  if (!io.interactive) {
    throw new UsageError(`${message} — cannot ask: not an interactive terminal (or CI is set).`, {
      hint: flagsHint,
      code: 'SELECTION_REQUIRED',
    });
  }
  const { checkbox } = await import('@inquirer/prompts');
  return checkbox(
    { message, choices, required: true, pageSize: 15 },
    { output: process.stderr },
  );
}
