import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/core/error-codes.js';
import { CliError, ExitCode, UsageError } from '../../src/core/errors.js';
import { errorDocument, errorLine } from '../../src/cli/main.js';

/** The rows of the README's error-code table: `| \`CODE\` | exit | meaning |`. */
function readmeRows(): Map<string, { exit: number; meaning: string }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Error codes'));
  const rows = new Map<string, { exit: number; meaning: string }>();
  for (const match of section.matchAll(/^\| `([A-Z0-9_]+)` \| (\d+) \| (.*) \|$/gm)) {
    rows.set(match[1]!, { exit: Number(match[2]), meaning: match[3]! });
  }
  return rows;
}

const row = (code: ErrorCode) => `| \`${code}\` | ${ERROR_CODES[code].exitCode} | ${ERROR_CODES[code].meaning} |`;

describe('the error-code registry', () => {
  it('the README lists every code with its exit code and meaning, and no other', () => {
    const rows = readmeRows();
    const missing = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => {
      const listed = rows.get(code);
      return !listed || listed.exit !== ERROR_CODES[code].exitCode || listed.meaning !== ERROR_CODES[code].meaning;
    });
    expect(missing.map(row), 'rows to add to or correct in README.md "### Error codes"').toEqual([]);
    expect([...rows.keys()].filter((code) => !(code in ERROR_CODES)), 'README rows with no registry code').toEqual([]);
  });

  it('exit codes come from the registry', () => {
    expect(new CliError('x', { code: 'STACK_FAILED' }).exitCode).toBe(1);
    expect(new CliError('x', { code: 'NO_CREDENTIALS' }).exitCode).toBe(3);
    expect(new CliError('x', { code: 'CANCELLED' }).exitCode).toBe(130);
    expect(new UsageError('x', { code: 'BAD_DURATION' }).exitCode).toBe(2);
    expect(new CliError('x', { code: 'ACCOUNT_MISMATCH', exitCode: ExitCode.Usage }).exitCode).toBe(2);
  });

  it('misspelt codes, usage errors with a non-usage code and contradicting exit codes do not compile', () => {
    // Each @ts-expect-error fails `npm run typecheck` if the line compiles.
    // @ts-expect-error misspelt code
    expect(new CliError('x', { code: 'NO_DEPLOYMNET' }).exitCode).toBe(3);
    // @ts-expect-error an exit-3 code on a UsageError
    expect(new UsageError('x', { code: 'NO_CREDENTIALS' }).exitCode).toBe(3);
    // @ts-expect-error the registry says STACK_FAILED exits 1
    expect(new CliError('x', { code: 'STACK_FAILED', exitCode: ExitCode.Infrastructure }).exitCode).toBe(1);
    // @ts-expect-error a code is required
    expect(new CliError('x', {}).exitCode).toBe(3);
  });

  it('every code is SCREAMING_SNAKE_CASE with a one-line meaning', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(info.meaning, code).toMatch(/^[^\n|]{10,160}$/);
      expect(Object.values(ExitCode), code).toContain(info.exitCode);
    }
  });

  it('human and --json output carry the code', () => {
    const error = new UsageError('No deployment found.', { code: 'NO_DEPLOYMENT', hint: 'Run deploy.' });
    expect(errorLine(error.code, error.message)).toBe('error [NO_DEPLOYMENT]: No deployment found.');
    expect(errorDocument(error)).toEqual({ error: { code: 'NO_DEPLOYMENT', message: 'No deployment found.', hint: 'Run deploy.' } });
    expect(errorDocument(new Error('boom')).error.code).toBe('INTERNAL');
  });
});
