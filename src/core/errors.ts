/**
 * Errors the CLI knows how to report, and the exit codes they map to.
 *
 * Every failure a user can meet is a {@link CliError}: it says what failed (`message`), why
 * (`cause`, optional), and what to do next (`hint`, usually the command or flag that fixes it).
 * The top-level handler in `src/cli/main.ts` prints them without a stack trace and exits with
 * `exitCode`. Anything else that escapes is a bug and is printed with its stack.
 */

/** Process exit codes. Documented in the README ("Exit codes"); scripts rely on them. */
export const ExitCode = {
  /** Everything asked for was done. */
  Success: 0,
  /** The agent ran and reported an error (`is_error: true`), or a deploy step failed in AWS (stack rollback, runtime `*_FAILED`). */
  AgentError: 1,
  /** Usage error: unknown flag, bad value, missing argument or configuration. Nothing was changed. */
  Usage: 2,
  /** AWS or infrastructure error: credentials, permissions, throttling, network, missing resources, docker. */
  Infrastructure: 3,
  /** Partly done: some items were refused or failed (e.g. `download` refused unsafe object keys), the rest succeeded. */
  Partial: 4,
  /** Interrupted by the user (Ctrl-C / SIGINT). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  /** Exit code for this failure; default {@link ExitCode.Infrastructure}. */
  exitCode?: ExitCode;
  /** What to do next: a command or flag that fixes it. Printed on its own line after the message. */
  hint?: string;
  /** The underlying error, kept for `--debug` output. */
  cause?: unknown;
  /** Machine-readable code for `--json` consumers, e.g. `NO_CREDENTIALS`. */
  code?: string;
}

/** A failure to report to the user without a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly code: string;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? ExitCode.Infrastructure;
    this.hint = options.hint;
    this.code = options.code ?? 'ERROR';
  }
}

/** A mistake in the user's input (flag, argument, config): exit code 2, nothing was changed. */
export class UsageError extends CliError {
  constructor(message: string, options: Omit<CliErrorOptions, 'exitCode'> = {}) {
    super(message, { ...options, exitCode: ExitCode.Usage, code: options.code ?? 'USAGE' });
    this.name = 'UsageError';
  }
}

/** True for errors the CLI reports without a stack trace. */
export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}

/** The message of any thrown value, for wrapping foreign errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
