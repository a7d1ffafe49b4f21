/**
 * What `npx agentcore-claude` users get: the tarball of `npm pack`, installed into an empty
 * project, runs the local agent (`dev`, `invoke --local`) end to end with the real Claude Code
 * binary against the scripted model — the agent server's dependencies must come with the package.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { requireBuilt } from '../support/agent-server.js';
import { freePort, waitForHttp } from '../support/ports.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

let model: ScriptedModel;
let project: string;
let packDir: string;
let bin: string;
let dev: ResultPromise | undefined;

beforeAll(async () => {
  requireBuilt();
  model = await startScriptedModel();
  packDir = mkdtempSync(join(tmpdir(), 'pack-'));
  project = mkdtempSync(join(tmpdir(), 'npx-user-'));
  const packed = await execa('npm', ['pack', '--pack-destination', packDir, '--silent'], { cwd: REPO_ROOT });
  const tarball = join(packDir, packed.stdout.trim().split('\n').at(-1)!);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'host-project', version: '7.7.7', private: true }));
  // From the npm cache when it holds the packages (it does after `npm ci` here); the registry otherwise.
  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, timeout: 600_000 });
  bin = join(project, 'node_modules/.bin/agentcore-claude');
}, 660_000);
afterAll(async () => {
  dev?.kill('SIGTERM');
  await dev?.catch(() => undefined);
  await model?.stop();
  rmSync(packDir, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

function cli(args: string[]) {
  return execa(bin, args, {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', HOME: project, CI: 'true', npm_package_version: '7.7.7', ...model.anthropicEnv() },
    extendEnv: false,
    reject: false,
    timeout: 120_000,
  });
}

const writeHello = [
  (r: Parameters<typeof workingDirectory>[0]) => toolTurn([write(join(workingDirectory(r), 'hello.py'), 'print("hello")\n')]),
  textTurn('Created hello.py.'),
];

describe('the packed package installed into an empty project', () => {
  it('ships no development files and prints its own version', async () => {
    const installed = join(project, 'node_modules/agentcore-claude');
    expect(readdirSync(installed)).not.toContain('test');
    const run = await cli(['--version']);
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  it('invoke --local starts the bundled agent server and the agent writes the file', async () => {
    model.setScript(writeHello);
    const port = await freePort();
    const run = await cli(['invoke', '--local', '--url', `http://127.0.0.1:${port}`, '--json', 'Create hello.py']);
    expect(run.exitCode, run.stderr).toBe(0);
    const reply = JSON.parse(run.stdout);
    expect(reply.result).toBe('Created hello.py.');
    const file = join(project, '.agentcore-claude/workspaces', reply.session.runtime_session_id, 'hello.py');
    expect(readFileSync(file, 'utf8')).toBe('print("hello")\n');
  });

  it('dev serves invoke --local --url', async () => {
    const port = await freePort();
    dev = execa(bin, ['dev', '--port', String(port)], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '', HOME: project, CI: 'true', ...model.anthropicEnv() },
      extendEnv: false,
      reject: false,
    });
    await waitForHttp(`http://127.0.0.1:${port}/ping`, 30_000);
    model.setScript(writeHello);
    const run = await cli(['invoke', '--local', '--url', `http://127.0.0.1:${port}`, 'Create hello.py']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('Created hello.py.');
    dev.kill('SIGTERM');
    const result = await dev;
    expect(result.exitCode).toBe(0);
    expect(`${result.stdout}\n${result.stderr}`.match(/listening on/gi)).toHaveLength(1);
  });
});
