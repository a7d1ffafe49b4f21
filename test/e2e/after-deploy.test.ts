/**
 * The operating commands after a REAL `deploy` (built binary, the project's template, moto_server,
 * the fake docker): `info` shows what deploy created, `download` fetches what the agent would have
 * written, `destroy --yes` removes all of it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../src/core/state.js';
import { FAKE_DOCKER_DIR } from '../support/deploy-context.js';
import { startMoto, type Moto } from '../support/moto.js';
import { cliEnv, REPO_ROOT, requireBuiltBinary, runCli, tempDir } from '../support/ops-cli.js';
import { motoClients, putObjects } from '../support/seed-deployment.js';
import { readDeployment, readDeployments } from '../support/state.js';

let moto: Moto;
let env: Record<string, string>;
let work: { dir: string; cleanup: () => void };
let state: DeploymentState;

beforeAll(async () => {
  requireBuiltBinary();
  moto = await startMoto();
  work = tempDir();
  const contextDir = join(work.dir, 'container-context');
  await cp(join(REPO_ROOT, 'container'), contextDir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  if (!existsSync(join(contextDir, 'Dockerfile'))) await writeFile(join(contextDir, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:20-slim\nCOPY . /app\n');
  env = cliEnv(moto.env, {
    PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`,
    FAKE_DOCKER_LOG: join(work.dir, 'docker.log'),
    AGENTCORE_CLAUDE_CONTEXT: contextDir,
    CI: 'true',
  });
  const deployed = await runCli(['deploy', '--yes', '--name', 'ops-after-deploy'], { cwd: work.dir, env, timeout: 120_000 });
  if (deployed.exitCode !== 0) throw new Error(`deploy failed (${deployed.exitCode}):\n${deployed.stderr}`);
  state = readDeployment(work.dir);
});
afterAll(async () => {
  await moto?.stop();
  work?.cleanup();
});

describe('after a real deploy', () => {
  it('info --json reports what deploy created, live', async () => {
    const r = await runCli(['info', '--json'], { cwd: work.dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      name: 'ops-after-deploy',
      bucket: state.bucket,
      repository_uri: state.repositoryUri,
      model: state.model,
      runtime: { id: state.runtime.id, arn: state.runtime.arn, name: state.runtime.name, image_uri: state.imageUri },
      stack: { name: state.stackName, status: 'CREATE_COMPLETE' },
      log_group: `/aws/bedrock-agentcore/runtimes/${state.runtime.id}-DEFAULT`,
    });
    expect(['READY', 'CREATING']).toContain(info.runtime.status);
  });

  it('download --latest fetches the newest run from the deployed bucket', async () => {
    await putObjects(moto.env, state.bucket, {
      'outputs/20250105_120000/result.md': 'done',
      'outputs/20250104_120000/older.md': 'older',
    });
    const r = await runCli(['download', '--latest', '--json'], { cwd: work.dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runs: ['20250105_120000'], downloaded: 1 });
    expect(readFileSync(join(work.dir, 'outputs/20250105_120000/result.md'), 'utf8')).toBe('done');
  });

  it('destroy --yes leaves nothing behind and removes the record from the state file', async () => {
    const r = await runCli(['destroy', '--yes', '--json'], { cwd: work.dir, env, timeout: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runtime: 'deleted', stack: 'deleted', bucket: 'deleted', repository: 'deleted', object_versions_deleted: 2 });
    const aws = motoClients(moto.env);
    const gone = (p: Promise<unknown>) => p.then(() => false, () => true);
    expect(await gone(aws.control.send(new GetAgentRuntimeCommand({ agentRuntimeId: state.runtime.id })))).toBe(true);
    expect(await gone(aws.s3.send(new HeadBucketCommand({ Bucket: state.bucket })))).toBe(true);
    expect(await gone(aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [state.repositoryUri.split('/').slice(1).join('/')] })))).toBe(true);
    const stacks = await aws.cfn.send(new DescribeStacksCommand({ StackName: state.stackName })).then((x) => x.Stacks ?? [], () => []);
    expect(stacks.filter((s) => s.StackStatus !== 'DELETE_COMPLETE')).toEqual([]);
    expect(readDeployments(work.dir)).toEqual([]);
    expect(readdirSync(join(work.dir, '.agentcore-claude')).filter((f) => f.startsWith('destroyed-'))).toEqual([expect.stringMatching(/^destroyed-ops-after-deploy-us-east-1-\d{8}T\d{6}Z\.json$/)]);
  });
});
