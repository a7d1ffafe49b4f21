/**
 * Several agents per project (issue 10): two agents deployed from one project with the BUILT
 * binary against moto_server (fake docker), then addressed from a subdirectory: `list`,
 * `--name`, the error naming `--name` when several match and nobody can be asked, the migration
 * of the old one-agent `deployment.json`, and the account/region guard on `destroy`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DOCKER_DIR } from '../support/deploy-context.js';
import { startMoto, type Moto } from '../support/moto.js';
import { BIN, REPO_ROOT, requireBuiltBinary, tempDir } from '../support/ops-cli.js';
import { motoClients } from '../support/seed-deployment.js';
import { openTerminal } from '../support/tmux.js';

let moto: Moto;
let work: { dir: string; cleanup: () => void };
let project: string;
let subdir: string;
let contextDir: string;

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`,
    HOME: work.dir,
    ...moto.env,
    FAKE_DOCKER_LOG: join(work.dir, 'docker.log'),
    AGENTCORE_CLAUDE_CONTEXT: contextDir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CI: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

function cli(args: string[], cwd: string, extra: Record<string, string | undefined> = {}) {
  return execa(process.execPath, [BIN, ...args], { cwd, env: env(extra), extendEnv: false, reject: false, stdin: 'ignore', timeout: 120_000 });
}

const statePath = () => join(project, '.agentcore-claude/deployments.json');
const state = () => JSON.parse(readFileSync(statePath(), 'utf8')) as { version: number; deployments: Array<Record<string, unknown> & { name: string; runtime: { id: string } }> };

beforeAll(async () => {
  requireBuiltBinary();
  moto = await startMoto();
  work = tempDir('multi-agent-');
  project = join(work.dir, 'project');
  subdir = join(project, 'src', 'deep');
  mkdirSync(join(project, '.git'), { recursive: true });
  mkdirSync(subdir, { recursive: true });
  contextDir = join(work.dir, 'container');
  await cp(join(REPO_ROOT, 'container'), contextDir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  if (!existsSync(join(contextDir, 'Dockerfile'))) await writeFile(join(contextDir, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:20-slim\nCOPY . /app\n');
  for (const name of ['alpha', 'beta']) {
    const run = await cli(['deploy', '--yes', '--name', name], project);
    expect(run.exitCode, run.stderr).toBe(0);
  }
}, 180_000);
afterAll(async () => {
  await moto?.stop();
  work?.cleanup();
});

describe('two agents deployed from one project', () => {
  it('the state records both (name, region, account, stack, runtime, artifact)', () => {
    const file = state();
    expect(file.version).toBe(2);
    expect(file.deployments.map((d) => d.name)).toEqual(['alpha', 'beta']);
    expect(file.deployments[0]).toMatchObject({ name: 'alpha', region: 'us-east-1', account: '123456789012', stackName: 'alpha', artifact: expect.objectContaining({ type: 'container' }), runtime: { name: 'alpha' } });
  });

  it('list from a subdirectory shows both, as a table and as snake_case JSON', async () => {
    const json = await cli(['list', '--json'], subdir);
    expect(json.exitCode, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.state_file).toBe(statePath());
    expect(doc.deployments.map((d: { name: string }) => d.name)).toEqual(['alpha', 'beta']);
    expect(doc.deployments[1]).toMatchObject({ name: 'beta', region: 'us-east-1', account: '123456789012', stack_name: 'beta', runtime_name: 'beta', artifact: 'container' });
    const table = await cli(['list'], subdir);
    expect(table.stdout).toMatch(/^NAME\s+REGION\s+ACCOUNT\s+STACK\s+RUNTIME\s+ARTIFACT\s+UPDATED$/m);
    expect(table.stdout).toMatch(/^alpha\s+us-east-1\s+123456789012\s+alpha\s+alpha\s+container\s+/m);
  });

  it('from a subdirectory without --name and without a terminal: an error naming --name and both agents (exit 2)', async () => {
    const run = await cli(['info'], subdir);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('2 deployments match');
    expect(run.stderr).toMatch(/alpha \(us-east-1, account 123456789012\)/);
    expect(run.stderr).toMatch(/beta \(us-east-1, account 123456789012\)/);
    expect(run.stderr).toContain('--name');
  });

  it('on a terminal, several deployments are offered to pick from; the chosen one is used', async () => {
    const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    const vars = Object.entries(env({ CI: undefined })).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${quote(v!)}`);
    const t = await openTerminal(`env -u CI ${vars.join(' ')} ${quote(process.execPath)} ${quote(BIN)} info; echo "EXIT=$?"; sleep 60`, subdir);
    try {
      await t.waitFor(/2 deployments in .*: which one\?/);
      const screen = await t.screen();
      expect(screen).toContain('alpha (us-east-1, account 123456789012)');
      expect(screen).toContain('beta (us-east-1, account 123456789012)');
      await t.press('Down', 'Enter');
      const done = await t.waitFor(/EXIT=\d+/, 30_000);
      expect(done).toMatch(/EXIT=0/);
      expect(done).toContain(state().deployments[1]!.runtime.id);
    } finally {
      await t.close();
    }
  });

  it('--name picks one, from a subdirectory', async () => {
    const run = await cli(['info', '--json', '--name', 'beta'], subdir);
    expect(run.exitCode, run.stderr).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.runtime.id).toBe(state().deployments[1]!.runtime.id);
    expect(info.state_file).toBe(statePath());
  });

  it('destroy refuses when AWS_REGION names another region than the deployment, saying both; nothing is deleted', async () => {
    const run = await cli(['destroy', '--yes', '--name', 'alpha'], subdir, { AWS_REGION: 'us-west-2' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/alpha \(us-east-1, account 123456789012\) is in us-east-1, but .*says us-west-2/);
    expect(run.stderr).toContain('--region us-east-1');
    const runtime = await motoClients(moto.env).control.send(new GetAgentRuntimeCommand({ agentRuntimeId: state().deployments[0]!.runtime.id }));
    expect(runtime.status).toBe('READY');
  });

  it('destroy refuses when the credentials are of another account than the deployment, saying both', async () => {
    // The record says another account than moto's 123456789012.
    const original = readFileSync(statePath(), 'utf8');
    const edited = state();
    edited.deployments[0]!.account = '999999999999';
    writeFileSync(statePath(), JSON.stringify(edited));
    try {
      const run = await cli(['destroy', '--yes', '--name', 'alpha'], subdir);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('belongs to account 999999999999, but your credentials are for account 123456789012');
      const runtime = await motoClients(moto.env).control.send(new GetAgentRuntimeCommand({ agentRuntimeId: edited.deployments[0]!.runtime.id }));
      expect(runtime.status).toBe('READY');
    } finally {
      writeFileSync(statePath(), original);
    }
  });

  it('destroy --name alpha removes alpha only; beta becomes the default', async () => {
    const run = await cli(['destroy', '--yes', '--name', 'alpha'], subdir);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(state().deployments.map((d) => d.name)).toEqual(['beta']);
    const info = await cli(['info', '--json'], subdir);
    expect(info.exitCode, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout).name).toBe('beta');
  });
});

describe('derived names', () => {
  it('deploy --timeout takes the duration grammar of invoke --timeout', async () => {
    const ok = await cli(['deploy', '--dry-run', '--name', 'beta', '--timeout', '1h30m'], project);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const bad = await cli(['deploy', '--dry-run', '--name', 'beta', '--timeout', 'soon'], project);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('error [BAD_DURATION]: --timeout must be a duration like 90s, 15m, 1h30m, 2d, or seconds: 900, got "soon".');
  });

  it('deploy shows the runtime, stack and repository names derived from "Über-Agent" and "9lives"', async () => {
    const uber = await cli(['deploy', '--dry-run', '--json', '--name', 'Über-Agent'], project);
    expect(uber.exitCode, uber.stderr).toBe(0);
    expect(JSON.parse(uber.stdout).plan).toMatchObject({ stack: { name: 'Uber-Agent' }, runtime: { name: 'Uber_Agent' } });
    const nine = await cli(['deploy', '--dry-run', '--name', '9lives'], project);
    expect(nine.exitCode, nine.stderr).toBe(0);
    expect(nine.stderr).toContain('Runtime name: "9lives" → agent_9lives');
    expect(nine.stderr).toContain('Stack name: "9lives" → agent-9lives');
    expect(nine.stderr).toContain('ECR repository: "9lives" → agent-9lives');
  });
});

describe('the old one-agent deployment.json', () => {
  it('is read, migrated into .agentcore-claude/deployments.json, and moved aside', async () => {
    const old = join(work.dir, 'old-project');
    mkdirSync(join(old, '.git'), { recursive: true });
    mkdirSync(join(old, 'sub'));
    const { artifact: _artifact, ...record } = state().deployments[0]!;
    writeFileSync(join(old, 'deployment.json'), JSON.stringify(record, null, 2));
    const run = await cli(['list', '--json'], join(old, 'sub'));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).deployments).toEqual([expect.objectContaining({ name: 'beta', artifact: 'container' })]);
    expect(run.stderr).toMatch(/moved .*deployment\.json into .*deployments\.json/);
    expect(existsSync(join(old, 'deployment.json'))).toBe(false);
    expect(existsSync(join(old, 'deployment.migrated.json'))).toBe(true);
    const migrated = JSON.parse(readFileSync(join(old, '.agentcore-claude/deployments.json'), 'utf8'));
    expect(migrated.deployments[0].runtime.id).toBe(record.runtime.id);
  });
});

describe('Ctrl-C in a terminal while deploy waits for the runtime', () => {
  it('exits 130 within 2 s, saying what still runs in AWS and that deploy again is safe', async () => {
    const other = join(work.dir, 'other-project');
    mkdirSync(join(other, '.git'), { recursive: true });
    const first = await cli(['deploy', '--yes', '--name', 'gamma'], other);
    expect(first.exitCode, first.stderr).toBe(0);
    // A changed source → a new image and a runtime update, which moto leaves UPDATING forever.
    writeFileSync(join(contextDir, 'ctrl-c-change.txt'), String(Date.now()));
    const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    const vars = Object.entries(env({ CI: undefined })).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${quote(v!)}`);
    const t = await openTerminal(`env -u CI ${vars.join(' ')} ${quote(process.execPath)} ${quote(BIN)} deploy --yes --name gamma; echo "EXIT=$?"; sleep 60`, other);
    try {
      // The spinner of the runtime wait, with its elapsed time.
      await t.waitFor(/Runtime gamma version \d+: UPDATING.*\(\d+s\)/, 60_000);
      const pressed = Date.now();
      await t.press('C-c');
      const screen = await t.waitFor(/EXIT=\d+/, 5_000);
      expect(Date.now() - pressed).toBeLessThan(2_500);
      expect(screen).toMatch(/EXIT=130/);
      expect(screen).toContain('Interrupted. Still running in AWS');
      expect(screen).toContain('Running `agentcore-claude deploy` again is safe');
    } finally {
      await t.close();
    }
  });
});
