/**
 * The CLI in a real terminal (tmux) and in pipes, as issue 10 asks:
 * - Ctrl-C while a spinner turns (the terminal is in raw mode then) stops `invoke --local` within
 *   two seconds, exits 130 and says what is still running;
 * - a closed stdout pipe (`… | head -1`) ends quietly;
 * - `--version` prints the package's own version, whatever `npm_package_version` says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT } from '../support/cli.js';
import { requireBuilt } from '../support/agent-server.js';
import { freePort } from '../support/ports.js';
import { startScriptedModel, textTurn, type ScriptedModel } from '../support/scripted-model.js';
import { writeDeployments } from '../support/state.js';
import { openTerminal, shellLine, type Terminal } from '../support/tmux.js';

let model: ScriptedModel;
let home: string;
const terminals: Terminal[] = [];

beforeAll(async () => {
  requireBuilt();
  model = await startScriptedModel();
  home = mkdtempSync(join(tmpdir(), 'cli-term-'));
});
afterAll(async () => {
  await Promise.all(terminals.map((t) => t.close()));
  await model?.stop();
  rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('Ctrl-C in a terminal', () => {
  it('invoke --local: Ctrl-C during the spinner exits 130 within 2 s and says what was stopped', async () => {
    // The model answers after a minute: the run is in progress when Ctrl-C comes.
    model.setScript([textTurn('too late', 60_000)]);
    const port = await freePort();
    const env = { ...model.anthropicEnv(), HOME: home, PATH: process.env.PATH ?? '', NO_COLOR: '1' };
    const t = await openTerminal(shellLine([process.execPath, BIN, 'invoke', '--local', '--url', `http://127.0.0.1:${port}`, 'Wait for me'], env), home);
    terminals.push(t);
    // The spinner shows elapsed time while it waits for the model.
    await t.waitFor(/\d+s\)?/, 30_000);
    await t.waitFor(/Invoking/, 30_000);
    // Wait for the model request, so the agent is mid-run.
    const deadline = Date.now() + 30_000;
    while (model.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(model.requests.length).toBeGreaterThan(0);
    const pressed = Date.now();
    await t.press('C-c');
    const screen = await t.waitFor(/EXIT=\d+/, 5_000);
    expect(Date.now() - pressed).toBeLessThan(2_500);
    expect(screen).toMatch(/EXIT=130/);
    expect(screen).toMatch(/Interrupted/);
    // It says what happened to the server it started for the call, and how to continue.
    expect(screen).toMatch(/stopping the local agent server/i);
    expect(screen).toMatch(/--session \S{33,}/);
  });
});

describe('invoke --local --timeout', () => {
  it('gives up after the duration (exit 3), saying so and that the server it started was stopped', async () => {
    model.setScript([textTurn('too late', 60_000)]);
    const port = await freePort();
    const started = Date.now();
    const run = await execa(process.execPath, [BIN, 'invoke', '--local', '--url', `http://127.0.0.1:${port}`, '--timeout', '3s', 'Wait for me'], {
      cwd: home,
      env: { ...model.anthropicEnv(), CI: 'true', HOME: home },
      reject: false,
      timeout: 60_000,
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stderr).toContain('Gave up waiting for the agent after 3s (--timeout)');
    expect(run.stderr).toContain('The server started for this call was stopped');
  });
});

describe('pipes and version', () => {
  it('a closed stdout pipe ends quietly (no EPIPE trace), for help and data commands', async () => {
    // A recorded deployment, so `list` prints a table on stdout (no AWS call).
    writeDeployments(home, [
      {
        version: 1, name: 'piped', region: 'us-east-1', account: '123456789012', stackName: 'piped', bucket: 'b', repositoryUri: 'r',
        roleArn: 'arn:aws:iam::123456789012:role/x', imageTag: 't', imageUri: 'r:t', model: 'm',
        runtime: { name: 'piped', id: 'piped-abc', arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/piped-abc', version: '1' },
        createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
    for (const args of [['invoke', '--help'], ['--help'], ['status', '--help'], ['list'], ['list', '--json']]) {
      // `true` exits at once without reading: every write of the CLI meets a closed pipe.
      const run = await execa('bash', ['-c', `node ${JSON.stringify(BIN)} ${args.join(' ')} | true; echo "status=\${PIPESTATUS[0]}" >&2`], {
        cwd: home,
        env: { CI: 'true', HOME: home },
        reject: false,
      });
      expect(run.stderr, args.join(' ')).not.toMatch(/EPIPE|Error|at /);
      expect(run.stderr, args.join(' ')).toMatch(/status=0/);
    }
  });

  it('--version prints the package version, not npm_package_version of the host project', async () => {
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    const run = await execa(process.execPath, [BIN, '--version'], { cwd: home, env: { npm_package_version: '9.9.9-host' }, reject: false });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });
});

describe('dev on a busy port', () => {
  it('says the port is taken and which flag picks another, exit 3, no "listening" banner, no stack trace', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const run = await execa(process.execPath, [BIN, 'dev', '--port', String(port)], {
        cwd: home,
        env: { ...model.anthropicEnv(), CI: 'true', HOME: home },
        reject: false,
        timeout: 30_000,
      });
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(run.stderr).toContain('--port');
      expect(run.stderr + run.stdout).not.toMatch(/listening|EADDRINUSE|\bat .*:\d+:\d+/);
    } finally {
      blocker.close();
    }
  });
});
