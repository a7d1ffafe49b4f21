/**
 * Errors the CLI knows how to report, and the exit codes they map to.
 *
 * Every failure a user can meet is a {@link CliError}: it says what failed (`message`), why
 * (`cause`, optional), and what to do next (`hint`, usually the command or flag that fixes it).
 * The top-level handler in `src/cli/main.ts` prints them without a stack trace and exits with
 * `exitCode`. Anything else that escapes is a bug and is printed with its stack.
 */

import { ERROR_CODES, ExitCode, type ErrorCode, type ExitCodeOf, type UsageErrorCode } from './error-codes.js';

export { ERROR_CODES, ExitCode, type ErrorCode, type UsageErrorCode } from './error-codes.js';

export interface CliErrorOptions<C extends ErrorCode = ErrorCode> {
  /** The registry code (`src/core/error-codes.ts`), e.g. `NO_CREDENTIALS`; printed in human and `--json` output. */
  code: C;
  /** Exit code for this failure: always the registry's for `code`; may be spelled out at the throw site for the reader. */
  exitCode?: ExitCodeOf<C>;
  /** What to do next: a command or flag that fixes it. Printed on its own line after the message. */
  hint?: string;
  /** The underlying error, kept for `--debug` output. */
  cause?: unknown;
}

/** A failure to report to the user without a stack trace. */
export class CliError<C extends ErrorCode = ErrorCode> extends Error {
  readonly exitCode: ExitCodeOf<C>;
  readonly hint?: string;
  readonly code: C;

  constructor(message: string, options: CliErrorOptions<C>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = options.code;
    // Unknown codes cannot compile; should one arrive through a cast, report it as infrastructure.
    this.exitCode = (ERROR_CODES[options.code]?.exitCode ?? ExitCode.Infrastructure) as ExitCodeOf<C>;
    this.hint = options.hint;
  }
}

/** A mistake in the user's input (flag, argument, config): exit code 2, nothing was changed. */
export class UsageError<C extends UsageErrorCode = UsageErrorCode> extends CliError<C> {
  constructor(message: string, options: Omit<CliErrorOptions<C>, 'exitCode'>) {
    super(message, options);
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
