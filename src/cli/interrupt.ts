/**
 * Ctrl-C (SIGINT) for commands that wait on something: the first one says what is still running
 * and how to reattach, stop or continue it, lets the command stop what it started (`abort`), and
 * ends the process with exit code 130 at most {@link FORCE_EXIT_MS} later whatever is still
 * pending; a second Ctrl-C ends it at once.
 */
import { ExitCode } from '../core/errors.js';

/** Longest wait after Ctrl-C before the process ends anyway, in milliseconds. */
export const FORCE_EXIT_MS = 1500;

export interface InterruptOptions {
  /** What is still running and the command that reattaches, stops or continues it (printed after "Interrupted."). */
  describe: () => string;
  /** Stop local work (abort requests, stop a server started for this command). */
  abort?: () => void;
  /** Where to write; default process.stderr. */
  stderr?: NodeJS.WritableStream;
}

export interface InterruptWatch {
  /** True once Ctrl-C was pressed. */
  readonly interrupted: boolean;
  /** Remove the handler (call in `finally`). */
  dispose(): void;
}

/** Install the SIGINT handler for the duration of a command. */
export function watchInterrupt(options: InterruptOptions): InterruptWatch {
  const stderr = options.stderr ?? process.stderr;
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(ExitCode.Interrupted);
    interrupted = true;
    process.exitCode = ExitCode.Interrupted;
    stderr.write(`\nInterrupted. ${options.describe()}\n`);
    setTimeout(() => process.exit(ExitCode.Interrupted), FORCE_EXIT_MS).unref();
    options.abort?.();
  };
  process.on('SIGINT', onSigint);
  return {
    get interrupted() {
      return interrupted;
    },
    dispose() {
      process.off('SIGINT', onSigint);
    },
  };
}
