/**
 * Entry point: builds the commander program, runs it, and maps every error to an exit code
 * (see `ExitCode`). User mistakes and AWS failures print a message and a hint, never a stack.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode, isCliError } from '../core/errors.js';
import { commands } from './commands.js';

/** Build the program (exported for tests and `--help` snapshots). */
export function buildProgram(): Command {
  const program = new Command('agentcore-claude')
    .description('Deploy and drive Claude Code as a headless coding agent on Amazon Bedrock AgentCore Runtime.')
    .version(process.env.npm_package_version ?? '0.1.0', '-v, --version')
    .option('--debug', 'print stack traces and AWS request ids on errors')
    .showHelpAfterError('(run with --help for usage and examples)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .exitOverride();
  for (const make of commands) program.addCommand(make().exitOverride());
  return program;
}

/** Run the CLI with `argv` (as process.argv). Resolves to the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Success;
  } catch (error) {
    return reportError(error, argv.includes('--debug'));
  }
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version end with code 0; commander already printed usage errors.
    if (error.exitCode === 0) return ExitCode.Success;
    return ExitCode.Usage;
  }
  if (isCliError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
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

function formatCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
