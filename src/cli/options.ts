/**
 * Options shared by the commands, so every command spells and documents them the same way.
 */
import { MAX_BUDGET_USD_LIMIT } from '@agentcore-claude/protocol/limits';
import { Command, InvalidArgumentError, Option } from 'commander';

/** `--region`, `--profile`, `--name`, `--stack-name`: where the deployment lives. */
export function addTargetOptions(command: Command): Command {
  return command
    .addOption(new Option('--name <name>', 'agent name (runtime name is derived from it)').env('AGENTCORE_CLAUDE_NAME'))
    .addOption(new Option('--stack-name <stack>', 'CloudFormation stack name (default: the agent name)').env('AGENTCORE_CLAUDE_STACK_NAME'))
    .option('--region <region>', 'AWS region (default: the recorded deployment’s, AWS_REGION, or your profile); passed explicitly, it also overrides the account/region check')
    .option('--profile <profile>', 'named AWS profile for credentials (default: AWS_PROFILE / default chain)');
}

/** `--json`: stdout carries exactly one JSON document (the command's result); no spinners. */
export function addJsonOption(command: Command): Command {
  return command.option('--json', 'print the result as JSON on stdout (progress and messages go to stderr)');
}

/** Parse a positive integer flag value. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}".`);
    return n;
  };
}

/**
 * A commander parser for a budget in US dollars: a number > 0 and at most
 * {@link MAX_BUDGET_USD_LIMIT} (the protocol's `max_budget_usd` rule).
 */
export function budgetUsd(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_BUDGET_USD_LIMIT) {
      throw new InvalidArgumentError(`${name} must be a number of US dollars greater than 0 and at most ${MAX_BUDGET_USD_LIMIT}, got "${value}".`);
    }
    return n;
  };
}

/** Examples section appended to a command's `--help`. */
export function withExamples(command: Command, examples: Array<[string, string]>): Command {
  const width = Math.max(...examples.map(([cmd]) => cmd.length));
  const text = examples.map(([cmd, what]) => `  $ ${cmd.padEnd(width)}  # ${what}`).join('\n');
  return command.addHelpText('after', `\nExamples:\n${text}\n`);
}
