/**
 * End to end: the BUILT binary (`bin/agentcore-claude.js deploy`) against a real moto_server, with
 * the fake `docker` first on PATH (it records argv/stdin and registers pushed tags in moto's ECR).
 * The build context is a copy of the repository's container/ in a temp dir (the repo's own
 * container/ is never modified).
 */
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BedrockAgentCoreControlClient, GetAgentRuntimeCommand, ListAgentRuntimesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContextTag } from '../../src/io/build-context.js';
import { FAKE_DOCKER_DIR } from '../support/deploy-context.js';
import { readDeployment, statePathIn } from '../support/state.js';
import { startMoto, type Moto } from '../support/moto.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'agentcore-claude.js');

let moto: Moto;
let dir: string;
let contextDir: string;
const dockerLog = () => join(dir, 'docker.log');

function runEnv(): Record<string, string | undefined> {
  return {
    ...process.env,
    ...moto.env,
    PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`,
    FAKE_DOCKER_LOG: dockerLog(),
    CI: 'true',
    AWS_PROFILE: undefined,
    AGENTCORE_CLAUDE_STATE: undefined,
    AGENTCORE_CLAUDE_CONTEXT: contextDir,
  };
}

async function run(args: string[]) {
  await writeFile(dockerLog(), '');
  const result = await execa('node', [BIN, 'deploy', ...args], { cwd: dir, env: runEnv(), extendEnv: false, reject: false });
  const docker = (await readFile(dockerLog(), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { argv: string[]; stdin?: string });
  return { ...result, docker };
}

function clients() {
  const config = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { cf: new CloudFormationClient(config), ecr: new ECRClient(config), control: new BedrockAgentCoreControlClient(config) };
}

async function runtimes() {
  return (await clients().control.send(new ListAgentRuntimesCommand({}))).agentRuntimes ?? [];
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  moto = await startMoto();
  dir = await mkdtemp(join(tmpdir(), 'deploy-e2e-'));
  contextDir = join(dir, 'container');
  await cp(join(ROOT, 'container'), contextDir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  // The agent's Dockerfile comes with the container package; a minimal one stands in if absent.
  if (!existsSync(join(contextDir, 'Dockerfile'))) await writeFile(join(contextDir, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:20-slim\nCOPY . /app\n');
});

afterAll(async () => {
  await moto?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('agentcore-claude deploy (built binary, moto_server, fake docker)', () => {
  let firstTag: string;

  it('--dry-run --json on an empty account prints the plan and changes nothing', async () => {
    const result = await run(['--dry-run', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      dry_run: true,
      plan: {
        region: 'us-east-1',
        account: '123456789012',
        model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        stack: { action: 'create', name: 'agentcore-claude' },
        image: { action: 'build', tag: await buildContextTag(contextDir) },
        runtime: { action: 'create', name: 'agentcore_claude', renamed_from: 'agentcore-claude' },
        changes: true,
      },
    });
    expect(out.plan.stack.changes.map((c: { logical_id: string }) => c.logical_id).sort()).toEqual(['AgentCoreExecutionRole', 'EcrRepository', 'OutputBucket', 'OutputBucketPolicy']);
    expect(result.docker).toEqual([]);
    await expect(clients().cf.send(new DescribeStacksCommand({ StackName: 'agentcore-claude' }))).rejects.toThrow(/does not exist/);
    expect(await runtimes()).toEqual([]);
    expect(existsSync(statePathIn(dir))).toBe(false);
  });

  it('first deploy --yes creates the stack from the template, pushes the image, creates the runtime and records it in the state file', async () => {
    const result = await run(['--yes']);
    expect(result.exitCode, result.stderr).toBe(0);
    firstTag = await buildContextTag(contextDir);
    expect(firstTag).toMatch(/^c-[0-9a-f]{20}$/);

    const { cf, ecr, control } = clients();
    const stack = (await cf.send(new DescribeStacksCommand({ StackName: 'agentcore-claude' }))).Stacks![0]!;
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    const repositoryUri = outputs.EcrRepositoryUri!;
    expect(repositoryUri).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/agentcore-claude');

    // docker: login with the ECR password on stdin, then one buildx build for linux/arm64 with the content tag, pushed.
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!;
    const password = Buffer.from(token.authorizationToken!, 'base64').toString().split(':')[1];
    const login = result.docker.find((c) => c.argv[0] === 'login');
    expect(login).toEqual({ argv: ['login', '--username', 'AWS', '--password-stdin', '123456789012.dkr.ecr.us-east-1.amazonaws.com'], stdin: password });
    expect(login!.argv.join(' ')).not.toContain(password!);
    const builds = result.docker.filter((c) => c.argv[1] === 'build');
    expect(builds.map((c) => c.argv)).toEqual([['buildx', 'build', '--platform', 'linux/arm64', '--provenance=false', '-t', `${repositoryUri}:${firstTag}`, '--push', contextDir]]);
    expect(result.docker.findIndex((c) => c.argv[0] === 'login')).toBeLessThan(result.docker.findIndex((c) => c.argv[1] === 'build'));
    const images = await ecr.send(new DescribeImagesCommand({ repositoryName: 'agentcore-claude' }));
    expect(images.imageDetails!.flatMap((i) => i.imageTags)).toEqual([firstTag]);

    // runtime: created with the complete configuration and READY
    const list = await runtimes();
    expect(list.map((r) => r.agentRuntimeName)).toEqual(['agentcore_claude']);
    const runtime = await control.send(new GetAgentRuntimeCommand({ agentRuntimeId: list[0]!.agentRuntimeId }));
    expect(runtime).toMatchObject({
      status: 'READY',
      agentRuntimeVersion: '1',
      roleArn: outputs.ExecutionRoleArn,
      networkConfiguration: { networkMode: 'PUBLIC' },
      agentRuntimeArtifact: { containerConfiguration: { containerUri: `${repositoryUri}:${firstTag}` } },
      environmentVariables: {
        CLAUDE_CODE_USE_BEDROCK: '1',
        AWS_REGION: 'us-east-1',
        ANTHROPIC_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-5-20251101-v1:0',
        ANTHROPIC_SMALL_FAST_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        OUTPUT_BUCKET_NAME: outputs.OutputBucketName,
      },
    });

    const state = readDeployment(dir);
    expect(state).toMatchObject({
      version: 1,
      name: 'agentcore-claude',
      region: 'us-east-1',
      account: '123456789012',
      stackName: 'agentcore-claude',
      bucket: outputs.OutputBucketName,
      repositoryUri,
      roleArn: outputs.ExecutionRoleArn,
      imageTag: firstTag,
      imageUri: `${repositoryUri}:${firstTag}`,
      model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      runtime: { name: 'agentcore_claude', id: list[0]!.agentRuntimeId, version: '1' },
    });
    expect(result.stderr).toContain('Runtime name: "agentcore-claude" → agentcore_claude');
    expect(result.stderr).toMatch(/CREATE_COMPLETE/);
  });

  it('a second deploy changes nothing: no docker call, no runtime update, same state', async () => {
    const before = await readFile(statePathIn(dir), 'utf8');
    const result = await run(['--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.plan).toMatchObject({ changes: false, stack: { action: 'none' }, image: { action: 'reuse', tag: firstTag }, runtime: { action: 'none' } });
    expect(out.state_written).toBe(false);
    expect(result.docker).toEqual([]);
    expect((await runtimes())[0]!.agentRuntimeVersion).toBe('1');
    expect(await readFile(statePathIn(dir), 'utf8')).toBe(before);
  });

  it('--dry-run after a source change shows a build and a runtime update, and changes nothing', async () => {
    await appendFile(join(contextDir, 'package.json'), '\n');
    const result = await run(['--dry-run', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout).plan;
    expect(plan).toMatchObject({ stack: { action: 'none' }, image: { action: 'build' }, runtime: { action: 'update', reasons: ['image'] } });
    expect(plan.image.tag).not.toBe(firstTag);
    expect(result.docker).toEqual([]);
    expect((await runtimes())[0]!.agentRuntimeVersion).toBe('1');
  });

  it('a changed file → exactly one build and one runtime update with the new tag', async () => {
    await writeFile(join(contextDir, 'NEW_FILE.txt'), 'one more byte\n');
    const newTag = await buildContextTag(contextDir);
    expect(newTag).not.toBe(firstTag);
    // moto keeps an updated runtime in UPDATING forever (only CREATING → READY progresses), so
    // this run does not wait; the wait for the new version is covered in test/engine.
    const result = await run(['--no-wait']);
    expect(result.exitCode, result.stderr).toBe(0);
    const builds = result.docker.filter((c) => c.argv[1] === 'build');
    expect(builds).toHaveLength(1);
    expect(builds[0]!.argv).toContain(`123456789012.dkr.ecr.us-east-1.amazonaws.com/agentcore-claude:${newTag}`);
    const list = await runtimes();
    expect(list).toHaveLength(1);
    expect(list[0]!.agentRuntimeVersion).toBe('2');
    const runtime = await clients().control.send(new GetAgentRuntimeCommand({ agentRuntimeId: list[0]!.agentRuntimeId }));
    expect(runtime.agentRuntimeArtifact?.containerConfiguration?.containerUri).toMatch(new RegExp(`:${newTag}$`));
    const state = readDeployment(dir);
    expect(state).toMatchObject({ imageTag: newTag, runtime: { version: '2' } });
    expect(result.stderr).toMatch(/not waiting \(--no-wait\)/);
  });

  it('Ctrl-C while waiting says what is still running in AWS and that deploy again is safe (exit 130)', async () => {
    await writeFile(join(contextDir, 'NEW_FILE.txt'), 'and another\n');
    const child = execa('node', [BIN, 'deploy'], { cwd: dir, env: runEnv(), extendEnv: false, reject: false });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`deploy never reached the runtime wait:\n${stderr}`)), 30_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/Runtime agentcore_claude version 3: UPDATING/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('Interrupted. Still running in AWS: AgentCore update of runtime agentcore_claude.');
    expect(result.stderr).toContain('Running `agentcore-claude deploy` again is safe');
  });

  it('usage errors exit 2 before touching AWS; --help shows examples', async () => {
    const bad = await run(['--idle-timeout', '10s']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--idle-timeout must be between 60 s and 8 h/);
    expect(bad.docker).toEqual([]);
    const help = await run(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    for (const flag of ['--name', '--stack-name', '--region', '--profile', '--model', '--yes', '--dry-run', '--json', '--no-wait', '--timeout']) {
      expect(help.stdout).toContain(flag);
    }
  });
});
