/**
 * `deploy --build codebuild` end to end, by a user with no Docker at all: the BUILT binary against
 * moto_server, with a `docker` first on PATH that only records that it was called (it must never
 * be), and the CodeBuild stand-in (test/support/codebuild-standin.ts; moto's CloudFormation cannot
 * create the project and moto's CodeBuild never runs builds) selected with
 * AWS_ENDPOINT_URL_CODEBUILD. The build context is a copy of the repository's container/.
 */
import { existsSync } from 'node:fs';
import { appendFile, chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockAgentCoreControlClient, GetAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { HeadObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContextTag } from '../../src/io/build-context.js';
import { REPO_ROOT, runCli, spawnCli } from '../support/cli.js';
import { startCodeBuildStandin, type CodeBuildStandin } from '../support/codebuild-standin.js';
import { startMoto, type Moto } from '../support/moto.js';
import { readDeployment } from '../support/state.js';

let moto: Moto;
let codebuild: CodeBuildStandin;
let dir: string;
let trapDir: string;
let contextDir: string;

const env = () => ({
  ...process.env,
  ...moto.env,
  ...codebuild.env,
  PATH: `${trapDir}:${process.env.PATH}`,
  AWS_PROFILE: undefined,
  AGENTCORE_CLAUDE_STATE: undefined,
  AGENTCORE_CLAUDE_BUILD: undefined,
  AGENTCORE_CLAUDE_CONTEXT: contextDir,
  CI: 'true',
});
const deploy = (args: string[]) => runCli(['deploy', ...args], { cwd: dir, env: env(), timeoutMs: 300_000 });

const aws = () => {
  const config = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { cf: new CloudFormationClient(config), ecr: new ECRClient(config), s3: new S3Client({ ...config, forcePathStyle: true }), control: new BedrockAgentCoreControlClient(config), logs: new CloudWatchLogsClient(config) };
};

async function stackOutputs(): Promise<Record<string, string>> {
  const stack = (await aws().cf.send(new DescribeStacksCommand({ StackName: 'agentcore-claude' }))).Stacks![0]!;
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  moto = await startMoto();
  codebuild = await startCodeBuildStandin(moto.endpoint);
  dir = await mkdtemp(join(tmpdir(), 'deploy-codebuild-'));
  trapDir = join(dir, 'bin');
  await mkdir(trapDir);
  await writeFile(join(trapDir, 'docker'), `#!/bin/sh\necho "$@" >> "${join(dir, 'docker-called')}"\nexit 127\n`);
  await chmod(join(trapDir, 'docker'), 0o755);
  contextDir = join(dir, 'container');
  await cp(join(REPO_ROOT, 'container'), contextDir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
});

afterAll(async () => {
  await codebuild?.stop();
  await moto?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('deploy --build codebuild (built binary, moto_server, CodeBuild stand-in, no Docker)', () => {
  let tag: string;
  let repositoryUri: string;
  let runtimeId: string;

  it('without Docker, a local build stops before changing anything and names --build codebuild and --artifact code', async () => {
    const result = await deploy(['--yes']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('--build codebuild');
    expect(result.stderr).toContain('--artifact code');
    await expect(aws().cf.send(new DescribeStacksCommand({ StackName: 'agentcore-claude' }))).rejects.toThrow(/does not exist/);
    expect(codebuild.builds).toHaveLength(0);
    // The preflight probed docker; from here on it must never be called.
    expect(existsSync(join(dir, 'docker-called'))).toBe(true);
    await rm(join(dir, 'docker-called'));
  }, 120_000);

  it('--dry-run --json plans the image as build (codebuild)', async () => {
    const result = await deploy(['--build', 'codebuild', '--dry-run', '--json']);
    expect(result.exitCode, result.stderr as string).toBe(0);
    tag = await buildContextTag(contextDir);
    const { plan } = JSON.parse(result.stdout as string);
    expect(plan.image).toEqual({ action: 'build', tag, build: 'codebuild' });
    expect(plan.stack.changes.map((c: { logical_id: string }) => c.logical_id)).toEqual(expect.arrayContaining(['ImageBuildProject', 'ImageBuildRole', 'ImageBuildLogGroup']));
  }, 120_000);

  it('first deploy: context zip in S3, one CodeBuild build followed phase by phase with its log, the image pushed, the runtime READY on it', async () => {
    const result = await deploy(['--build', 'codebuild', '--yes']);
    const stderr = result.stderr as string;
    expect(result.exitCode, stderr).toBe(0);
    const outputs = await stackOutputs();
    repositoryUri = outputs.EcrRepositoryUri!;
    const bucket = outputs.OutputBucketName!;
    expect(outputs.ImageBuildProjectName).toBe('agentcore-claude-image-build');

    expect(stderr).toMatch(new RegExp(`image\\s+${tag}: build \\(codebuild\\)`));
    expect(stderr).toMatch(/Uploaded the build context \(\d+ files, \d+ KiB\) to s3:\/\/.+\/image-context\/c-[0-9a-f]{20}\.zip/);
    // Phases as progress, in CodeBuild's order, and the build's own log lines.
    const phases = [...stderr.matchAll(/CodeBuild (\w+) SUCCEEDED/g)].map((m) => m[1]);
    expect(phases).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING']);
    expect(stderr).toContain('│ Login Succeeded');
    expect(stderr).toContain(`Built and pushed ${repositoryUri}:${tag} (linux/arm64) in CodeBuild`);

    // What CodeBuild was asked, and what it read: the uploaded zip with the context's files.
    expect(codebuild.builds).toHaveLength(1);
    const build = codebuild.builds[0]!;
    expect(build.projectName).toBe('agentcore-claude-image-build');
    expect(build.request).toMatchObject({
      sourceTypeOverride: 'S3',
      sourceLocationOverride: `${bucket}/image-context/${tag}.zip`,
      environmentVariablesOverride: [{ name: 'IMAGE_TAG', value: tag, type: 'PLAINTEXT' }],
    });
    expect([...build.sourceFiles.keys()]).toEqual(expect.arrayContaining(['Dockerfile', 'package.json', 'package-lock.json', 'src/main.ts']));
    expect([...build.sourceFiles.keys()].some((name) => name.startsWith('node_modules/') || name.startsWith('dist/'))).toBe(false);
    expect(build.sourceFiles.get('Dockerfile')! & 0o170000).toBe(0o100000);
    // The log the CLI streamed is the one in CloudWatch Logs.
    const events = await aws().logs.send(new GetLogEventsCommand({ logGroupName: outputs.ImageBuildLogGroupName!, logStreamName: build.logStream, startFromHead: true }));
    expect(events.events?.some((e) => e.message?.includes('Login Succeeded'))).toBe(true);

    const images = await aws().ecr.send(new DescribeImagesCommand({ repositoryName: outputs.EcrRepositoryName!, imageIds: [{ imageTag: tag }] }));
    expect(images.imageDetails?.[0]?.imageTags).toContain(tag);
    const state = readDeployment(dir);
    runtimeId = state.runtime.id;
    expect(state.imageUri).toBe(`${repositoryUri}:${tag}`);
    const runtime = await aws().control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtimeId }));
    expect(runtime.status).toBe('READY');
    expect(runtime.agentRuntimeArtifact?.containerConfiguration?.containerUri).toBe(`${repositoryUri}:${tag}`);
    expect(existsSync(join(dir, 'docker-called'))).toBe(false);
  }, 300_000);

  it('an unchanged redeploy (build mode from the config file) builds nothing, uploads nothing, changes nothing', async () => {
    await writeFile(join(dir, 'agentcore-claude.yaml'), 'build: codebuild\n');
    const result = await deploy(['--yes', '--json']);
    expect(result.exitCode, result.stderr as string).toBe(0);
    const out = JSON.parse(result.stdout as string);
    expect(out.plan.image).toEqual({ action: 'reuse', tag, uri: `${repositoryUri}:${tag}`, build: 'codebuild' });
    expect(out.plan.changes).toBe(false);
    expect(out.state_written).toBe(false);
    expect(codebuild.builds).toHaveLength(1);
    const { OutputBucketName: bucket } = await stackOutputs();
    const versions = await aws().s3.send(new ListObjectVersionsCommand({ Bucket: bucket!, Prefix: 'image-context/' }));
    expect(versions.Versions).toHaveLength(1);
    expect(existsSync(join(dir, 'docker-called'))).toBe(false);
  }, 120_000);

  it('a failed build ends with exit 1, the failed phase and its reason, the last 20 log lines, and no runtime update', async () => {
    await appendFile(join(contextDir, 'src', 'main.ts'), '\n// changed: a new content tag\n');
    const lines = Array.from({ length: 30 }, (_, i) => `#7 npm ci failing line ${String(i + 1).padStart(2, '0')}`);
    codebuild.failWith({ phase: 'BUILD', lines });
    try {
      const result = await deploy(['--yes', '--json']);
      expect(result.exitCode, result.stderr as string).toBe(1);
      const { error } = JSON.parse(result.stdout as string);
      expect(error.code).toBe('CODEBUILD_FAILED');
      expect(error.message).toMatch(/CodeBuild build agentcore-claude-image-build:[0-9a-f-]{36} of .+:c-[0-9a-f]{20} failed in phase BUILD \(FAILED: COMMAND_EXECUTION_ERROR: Error while executing command: docker build/);
      expect(error.message).toContain('Last 20 lines of the build log:');
      // The tail: the last scripted lines and what CodeBuild logged after them; not the early ones.
      expect(error.message).toContain('failing line 30');
      expect(error.message).toContain('failing line 19');
      expect(error.message).not.toContain('failing line 10');
      expect(error.hint).toContain('--build codebuild');
      expect(result.stderr).toContain('error [CODEBUILD_FAILED]: CodeBuild build');
    } finally {
      codebuild.failWith(undefined);
    }
    expect(codebuild.builds).toHaveLength(2);
    expect(codebuild.builds[1]!.pushed).toBeUndefined();
    const runtime = await aws().control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtimeId }));
    expect(runtime.agentRuntimeVersion).toBe('1');
    expect(runtime.agentRuntimeArtifact?.containerConfiguration?.containerUri).toBe(`${repositoryUri}:${tag}`);
  }, 300_000);

  it('Ctrl-C while the build runs: exit 130, the build goes on in CodeBuild and the message names it and how to stop it', async () => {
    codebuild.hold(true);
    try {
      const child = spawnCli(['deploy', '--yes'], { cwd: dir, env: env(), timeoutMs: 300_000 });
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/CodeBuild \w+ SUCCEEDED/.test(stderr)) resolve();
        });
        child.then(() => reject(new Error(`deploy ended before the build was followed:\n${stderr}`)), reject);
      });
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode, result.stderr as string).toBe(130);
      const build = codebuild.builds.at(-1)!;
      expect(build.status).toBe('IN_PROGRESS');
      expect(result.stderr).toContain(`Still running in AWS: CodeBuild build ${build.id}`);
      expect(result.stderr).toContain(`aws codebuild stop-build --id ${build.id}`);
      // Nothing recorded as deployed: deployment.json still names the first image.
      expect(readDeployment(dir).imageUri).toBe(`${repositoryUri}:${tag}`);
    } finally {
      codebuild.hold(false);
    }
  }, 300_000);

  it('the build is pinned to the S3 version of the zip deploy uploaded (StartBuild sourceVersion), not whatever is at the key later', async () => {
    const { OutputBucketName: bucket } = await stackOutputs();
    // What the template's VersioningConfiguration does on S3 (moto's CloudFormation ignores it).
    await aws().s3.send(new PutBucketVersioningCommand({ Bucket: bucket!, VersioningConfiguration: { Status: 'Enabled' } }));
    await appendFile(join(contextDir, 'src', 'main.ts'), '\n// changed again: a new content tag\n');
    const newTag = await buildContextTag(contextDir);
    codebuild.failWith({ phase: 'BUILD', lines: ['#7 failing on purpose: no runtime update on moto'] });
    try {
      const result = await deploy(['--yes', '--json']);
      expect(result.exitCode, result.stderr as string).toBe(1);
    } finally {
      codebuild.failWith(undefined);
    }
    const uploaded = await aws().s3.send(new HeadObjectCommand({ Bucket: bucket!, Key: `image-context/${newTag}.zip` }));
    expect(uploaded.VersionId).toBeTruthy();
    const build = codebuild.builds.at(-1)!;
    expect(build.request).toMatchObject({ sourceLocationOverride: `${bucket}/image-context/${newTag}.zip`, sourceVersion: uploaded.VersionId });
  }, 300_000);
});
