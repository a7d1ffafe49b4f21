/**
 * Entry point: builds the commander program, runs it, and maps every error to an exit code
 * (see `ExitCode`). User mistakes and AWS failures print a message and a hint, never a stack.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ExitCode, isCliError, type ErrorCode } from '../core/errors.js';
import { colourEnabled, paint } from '../io/colour.js';
import { commands } from './commands.js';

/** Build the program (exported for tests and `--help` snapshots). */
export function buildProgram(): Command {
  const program = new Command('agentcore-claude')
    .description('Deploy and drive Claude Code as a headless coding agent on Amazon Bedrock AgentCore Runtime.')
    .version(packageVersion(), '-v, --version')
    .option('--debug', 'print stack traces and AWS request ids on errors')
    .showHelpAfterError('(run with --help for usage and examples)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .exitOverride();
  for (const make of commands) program.addCommand(make().exitOverride());
  return program;
}

/**
 * This package's own version, from its package.json (dist/cli/ → ../../package.json). Never
 * `npm_package_version`: under `npx` or an npm script that is the host project's version.
 */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * A closed stdout or stderr (`agentcore-claude info | head -1`) is the reader's choice, not a
 * failure: stop quietly, as Unix tools do, with exit code 0 (nothing more can be delivered).
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw error;
    });
  }
}

/** Run the CLI with `argv` (as process.argv). Resolves to the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Success;
  } catch (error) {
    const exitCode = reportError(error, argv.includes('--debug'));
    if (exitCode !== ExitCode.Success && argv.includes('--json')) process.stdout.write(`${JSON.stringify(errorDocument(error), null, 2)}\n`);
    return exitCode;
  }
}

/**
 * The document a `--json` command prints on stdout when it fails (besides the message on
 * stderr and the exit code): `{"error": {"code", "message", "hint"}}`; `hint` is null when there
 * is none. Codes come from the registry in `src/core/error-codes.ts`: the CliError's code (e.g.
 * `NO_DEPLOYMENT`), `USAGE` for command-line mistakes commander finds, `INTERRUPTED`, `INTERNAL` for bugs.
 */
export function errorDocument(error: unknown): { error: { code: ErrorCode; message: string; hint: string | null } } {
  if (isCliError(error)) return { error: { code: error.code, message: error.message, hint: error.hint ?? null } };
  if (error instanceof CommanderError) {
    return { error: { code: 'USAGE', message: error.message.replace(/^error: /, ''), hint: 'Run the command with --help for its usage.' } };
  }
  const name = (error as Error)?.name;
  if (name === 'ExitPromptError' || name === 'AbortError') return { error: { code: 'INTERRUPTED', message: 'Interrupted.', hint: null } };
  return { error: { code: 'INTERNAL', message: (error as Error)?.message ?? String(error), hint: 'This is a bug in agentcore-claude; please report it with the output of --debug.' } };
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version end with code 0; commander already printed usage errors.
    if (error.exitCode === 0) return ExitCode.Success;
    return ExitCode.Usage;
  }
  if (isCliError(error)) {
    process.stderr.write(`${errorLine(error.code, error.message, colourEnabled(process.stderr))}\n`);
    if (error.hint) process.stderr.write(`  → ${error.hint}\n`);
    if (debug && error.cause) process.stderr.write(`${formatCause(error.cause)}\n`);
    return error.exitCode;
  }
  if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortError') {
    process.stderr.write('Interrupted.\n');
    return ExitCode.Interrupted;
  }
  process.stderr.write(`Unexpected error (a bug in agentcore-claude — please report it):\n${formatCause(error)}\n`);
  return ExitCode.Infrastructure;
}

/** The first line of a reported error: `error [NO_DEPLOYMENT]: No deployment found: …` (`error` in red with `colour`). */
export function errorLine(code: ErrorCode, message: string, colour = false): string {
  return `${paint('red', 'error', colour)} [${code}]: ${message}`;
}

function formatCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
