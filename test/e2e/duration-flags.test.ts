/**
 * Every duration flag of the built CLI reads the one grammar of `src/core/duration.ts`: a bad value
 * is the same usage error (exit 2, `BAD_DURATION` / `BAD_SINCE`) before anything is called, and a
 * value such as `2d` is accepted everywhere (the command then fails further on, at what it could
 * not reach: nothing listens at 127.0.0.1:1, where AWS_ENDPOINT_URL points).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBinary, tempDir } from '../support/ops-cli.js';
import { runCli } from '../support/cli.js';

const SESSION = `session-${'a'.repeat(36)}`;
const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_REGION: 'us-east-1' };
let work: { dir: string; cleanup: () => void };

beforeAll(() => {
  requireBuiltBinary();
  work = tempDir('duration-flags-');
  mkdirSync(join(work.dir, '.git'));
});
afterAll(() => work?.cleanup());

const GRAMMAR = 'must be a duration like 90s, 15m, 1h30m, 2d, or seconds: 900, got "soon"';

describe('duration flags share one grammar', () => {
  it.each([
    [['invoke', '--local', '--timeout', 'soon', 'x'], `error [BAD_DURATION]: --timeout ${GRAMMAR}`],
    [['status', '--local', '--session', SESSION, '--wait', '--timeout', 'soon'], `error [BAD_DURATION]: --timeout ${GRAMMAR}`],
    [['deploy', '--dry-run', '--timeout', 'soon'], `error [BAD_DURATION]: --timeout ${GRAMMAR}`],
    [['deploy', '--dry-run', '--idle-timeout', 'soon'], `error [BAD_DURATION]: --idle-timeout ${GRAMMAR}`],
    [['deploy', '--dry-run', '--max-lifetime', 'soon'], `error [BAD_DURATION]: --max-lifetime ${GRAMMAR}`],
    [['logs', '--name', 'x', '--since', 'soon'], 'error [BAD_SINCE]: --since "soon" is not a duration or a time.'],
  ])('%j is a usage error before any call', async (args, line) => {
    const run = await runCli(args, { cwd: work.dir, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(line);
  });

  it.each([
    [['invoke', '--local', '--url', 'http://127.0.0.1:1', '--async', '--timeout', '2d', 'x'], 'ASYNC_NEEDS_SERVER'],
    [['status', '--local', '--url', 'http://127.0.0.1:1', '--session', SESSION, '--wait', '--timeout', '2d'], 'AGENT_UNREACHABLE'],
    [['deploy', '--dry-run', '--timeout', '2d'], 'STS_FAILED'],
    [['deploy', '--dry-run', '--idle-timeout', '1h30m', '--max-lifetime', '2h'], 'STS_FAILED'],
    [['logs', '--name', 'x', '--since', '2d'], 'AWS_ERROR'],
  ])('%j accepts the duration (then fails at %s)', async (args, code) => {
    const run = await runCli(args, { cwd: work.dir, env });
    expect(run.stderr).not.toMatch(/BAD_DURATION|BAD_SINCE/);
    expect(run.stderr).toContain(`error [${code}]: `);
  });
});
