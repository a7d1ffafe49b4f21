/**
 * `--json` is a contract with one casing (issue 10): every document of every command that takes
 * `--json` — run here for real against moto_server, the agent server and the scripted model —
 * has snake_case keys only; AWS's own names (stack outputs, template parameters: PascalCase) are
 * data and stay as AWS spells them. A failing `--json` command prints
 * `{"error": {"code", "message", "hint"}}` on stdout.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DOCKER_DIR } from '../support/deploy-context.js';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { startMoto, type Moto } from '../support/moto.js';
import { BIN, REPO_ROOT, requireBuiltBinary, tempDir } from '../support/ops-cli.js';
import { startScriptedModel, textTurn, type ScriptedModel } from '../support/scripted-model.js';
import { putObjects, seedDeployment, type Seeded } from '../support/seed-deployment.js';

let moto: Moto;
let model: ScriptedModel;
let server: RunningAgentServer;
let work: { dir: string; cleanup: () => void };
let seeded: Seeded;
let contextDir: string;

beforeAll(async () => {
  requireBuiltBinary();
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  server = await startAgentServer({ ...model.anthropicEnv(), CLAUDE_CODE_MAX_RETRIES: '0', IS_SANDBOX: '1' });
  work = tempDir('json-casing-');
  mkdirSync(join(work.dir, '.git'));
  seeded = await seedDeployment(moto.env, work.dir, 'jsonagent');
  await putObjects(moto.env, seeded.state.bucket, { 'outputs/20250105_120000/result.md': 'done' });
  contextDir = join(work.dir, 'container-context');
  cpSync(join(REPO_ROOT, 'container'), contextDir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  if (!existsSync(join(contextDir, 'Dockerfile'))) writeFileSync(join(contextDir, 'Dockerfile'), 'FROM scratch\n');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await model?.stop();
  await moto?.stop();
  work?.cleanup();
});

function cli(args: string[], cwd = work.dir) {
  return execa(process.execPath, [BIN, ...args], {
    cwd,
    env: {
      ...moto.env,
      PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`,
      HOME: work.dir,
      FAKE_DOCKER_LOG: join(work.dir, 'docker.log'),
      AGENTCORE_CLAUDE_CONTEXT: contextDir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      CI: 'true',
    },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 120_000,
  });
}

/** Every key of `value` that is not snake_case (PascalCase AWS names excepted), with its path. */
function badKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => badKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const own = /^[a-z][a-z0-9]*[A-Z]/.test(key) ? [`${path}.${key}`] : [];
    // Objects keyed by data (stack outputs/parameters, file paths) are not checked inside their keys.
    return [...own, ...badKeys(v, `${path}.${key}`)];
  });
}

/** Run a --json command and return its one document (asserting it parses and is snake_case). */
async function jsonOf(args: string[], expectedExit = 0): Promise<Record<string, unknown>> {
  const run = await cli(args);
  expect(run.exitCode, `${args.join(' ')}\n${run.stderr}`).toBe(expectedExit);
  const doc = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(badKeys(doc), args.join(' ')).toEqual([]);
  return doc;
}

describe('every --json document is snake_case', () => {
  it('list, info, deploy --dry-run, download --list, download, sessions list', async () => {
    expect((await jsonOf(['list', '--json'])).deployments).toHaveLength(1);
    expect(await jsonOf(['info', '--json'])).toHaveProperty('log_group');
    expect(await jsonOf(['deploy', '--dry-run', '--json'])).toHaveProperty('dry_run', true);
    expect(await jsonOf(['download', '--list', '--json'])).toHaveProperty('runs');
    expect(await jsonOf(['download', '--latest', '--json'])).toHaveProperty('downloaded', 1);
    expect(await jsonOf(['sessions', 'list', '--json'])).toHaveProperty('sessions');
  });

  it('invoke --local, invoke --local --async, status --local', async () => {
    model.setScript([textTurn('ok')]);
    const reply = await jsonOf(['invoke', '--local', '--url', server.url, '--json', 'say ok']);
    expect(reply.result).toBe('ok');
    model.setScript([textTurn('later')]);
    const started = await jsonOf(['invoke', '--local', '--url', server.url, '--async', '--json', 'say later']);
    expect(started).toHaveProperty('runtime_session_id');
    const status = await jsonOf(['status', '--local', '--url', server.url, '--session', String(started.runtime_session_id), '--wait', '--json']);
    expect(status).toHaveProperty('status');
  });

  it('destroy --yes --json', async () => {
    const result = await jsonOf(['destroy', '--yes', '--json']);
    expect(result).toHaveProperty('object_versions_deleted');
  });
});

describe('a failing --json command prints an error document on stdout', () => {
  it('no deployment, an empty prompt, an unknown flag, an API key without an API', async () => {
    const empty = tempDir('json-error-');
    mkdirSync(join(empty.dir, '.git'));
    try {
      for (const [args, code, exit] of [
        [['info', '--json'], 'NO_DEPLOYMENT', 2],
        [['invoke', '--local', '--json', ''], 'EMPTY_PROMPT', 2],
        [['info', '--json', '--bogus'], 'USAGE', 2],
        [['api-key', '--json', '--name', 'jsonagent', '--region', 'us-east-1'], undefined, 3],
      ] as Array<[string[], string | undefined, number]>) {
        const run = await cli(args, empty.dir);
        expect(run.exitCode, args.join(' ')).toBe(exit);
        const doc = JSON.parse(run.stdout) as { error: { code: string; message: string; hint: string | null } };
        expect(Object.keys(doc)).toEqual(['error']);
        expect(Object.keys(doc.error).sort()).toEqual(['code', 'hint', 'message']);
        if (code) expect(doc.error.code).toBe(code);
        expect(doc.error.message.length).toBeGreaterThan(5);
        expect(run.stderr).toContain(doc.error.message);
        // Errors of the CLI's own carry their code in human output too (commander prints its own USAGE lines).
        if (doc.error.code !== 'USAGE') expect(run.stderr).toContain(`error [${doc.error.code}]: ${doc.error.message}`);
      }
    } finally {
      empty.cleanup();
    }
  });
});
