/**
 * `deploy --artifact code` end to end, with no Docker: the BUILT binary against a real moto_server
 * from a clean working directory, a `docker` on PATH that only records that it was called (it must
 * never be). Then the proof on linux/arm64: the exact zip deploy uploaded to moto S3 is unpacked
 * (modes and symlinks kept, as the managed runtime does), its entry point is started with Node.js
 * 22 for linux/arm64 (natively or under qemu-user emulation) with the environment the runtime was
 * deployed with, and real invocations run through it: the arm64 Claude Code binary against the
 * scripted model in Bedrock mode — /ping, streamed events, the written files in moto S3, and a
 * second invocation continuing the session (the transcript resumed, the first file read with Bash).
 *
 * Without arm64 emulation the last part is skipped with how to enable it; with CI=true it fails.
 */
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { BedrockAgentCoreControlClient, GetAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeTagOf, installArm64 } from '../../src/engine/code-package.js';
import { arm64Node22, arm64Unavailable, elfMachine, EM_AARCH64, ENABLE_ARM64 } from '../support/arm64.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { newSessionId, streamInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { freePort, waitForHttp } from '../support/ports.js';
import { bash, lastToolResults, startScriptedModel, textTurn, toolTurn, workingDirectory, write, type RecordedRequest, type ScriptedModel } from '../support/scripted-model.js';
import { eachEntry, extractZip } from '../support/unzip.js';
import { readDeployment } from '../support/state.js';

const CONTAINER = join(REPO_ROOT, 'container');
let moto: Moto;
let dir: string;
let trapDir: string;

const aws = () => {
  const config = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { cf: new CloudFormationClient(config), s3: new S3Client({ ...config, forcePathStyle: true }), control: new BedrockAgentCoreControlClient(config) };
};

function deploy(args: string[]) {
  return runCli(['deploy', ...args], {
    cwd: dir,
    env: { ...process.env, ...moto.env, PATH: `${trapDir}:${process.env.PATH}`, AWS_PROFILE: undefined, AGENTCORE_CLAUDE_STATE: undefined, AGENTCORE_CLAUDE_CONTEXT: undefined, CI: 'true' },
    timeoutMs: 600_000,
  });
}

beforeAll(async () => {
  if (!existsSync(join(CONTAINER, 'dist', 'main.js'))) throw new Error('container/dist is missing: run `npm run build` first (npm test does).');
  moto = await startMoto();
  dir = await mkdtemp(join(tmpdir(), 'deploy-code-'));
  trapDir = join(dir, 'bin');
  await mkdir(trapDir);
  await writeFile(join(trapDir, 'docker'), `#!/bin/sh\necho "$@" >> "${join(dir, 'docker-called')}"\nexit 1\n`);
  await chmod(join(trapDir, 'docker'), 0o755);
});

afterAll(async () => {
  await moto?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('deploy --artifact code (built binary, moto_server, no Docker)', () => {
  let tag: string;
  let bucket: string;
  let key: string;
  let runtimeId: string;

  it('--dry-run --json plans a code upload and no image', async () => {
    const result = await deploy(['--artifact', 'code', '--dry-run', '--json']);
    expect(result.exitCode, result.stderr as string).toBe(0);
    tag = await codeTagOf(CONTAINER);
    const { plan } = JSON.parse(result.stdout as string);
    expect(plan.artifact).toEqual({ type: 'code', action: 'upload', tag });
    expect(plan.image).toBeUndefined();
    expect(plan.runtime.action).toBe('create');
  }, 120_000);

  it('first deploy: stack, zip in S3 (content-addressed), runtime with codeConfiguration READY, the project state; docker never called', async () => {
    const result = await deploy(['--artifact', 'code', '--yes']);
    expect(result.exitCode, result.stderr as string).toBe(0);
    const stderr = result.stderr as string;
    expect(stderr).toMatch(/Code package c-[0-9a-f]{20}: \d+ entries, \d+\.\d MiB → \d+\.\d MiB zip \(install \d+\.\d s, zip \d+\.\d s\)/);
    expect(stderr).toMatch(/artifact code c-[0-9a-f]{20}: upload/);
    expect(stderr).toMatch(/Uploaded s3:\/\/.+\/code\/c-[0-9a-f]{20}\.zip \(\d+\.\d MiB in \d+\.\d s\)/);
    const out = { state: readDeployment(dir) };
    const { cf, s3, control } = aws();
    const stack = (await cf.send(new DescribeStacksCommand({ StackName: 'agentcore-claude' }))).Stacks![0]!;
    bucket = stack.Outputs!.find((o) => o.OutputKey === 'OutputBucketName')!.OutputValue!;
    key = `code/${tag}.zip`;
    expect(out.state.artifact).toEqual({ type: 'code', tag, location: `s3://${bucket}/${key}` });
    expect(out.state.imageUri).toBe('');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'code/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    expect(listed.Contents![0]!.Size).toBeGreaterThan(20 * 1024 * 1024);
    expect(listed.Contents![0]!.Size).toBeLessThanOrEqual(250 * 1024 * 1024);

    runtimeId = out.state.runtime.id;
    const runtime = await control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtimeId }));
    expect(runtime.status).toBe('READY');
    expect(runtime.agentRuntimeArtifact?.containerConfiguration).toBeUndefined();
    expect(runtime.agentRuntimeArtifact?.codeConfiguration).toMatchObject({ code: { s3: { bucket, prefix: key } }, runtime: 'NODE_22', entryPoint: ['dist/main.js'] });
    expect(runtime.environmentVariables).toMatchObject({
      AGENT_ARTIFACT: 'code',
      WORKSPACE_ROOT: '/mnt/workspace',
      OUTPUT_BUCKET_NAME: bucket,
      CLAUDE_CODE_USE_BEDROCK: '1',
      ANTHROPIC_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    });
    expect(existsSync(join(dir, 'docker-called'))).toBe(false);
  }, 600_000);

  it('the zip holds package.json, dist/main.js and only the arm64 Claude Code binary, executable', async () => {
    const zipPath = join(dir, 'deployed.zip');
    const object = await aws().s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(object.Body as Readable, createWriteStream(zipPath));
    const entries = new Map<string, number>();
    await eachEntry(zipPath, async (entry) => void entries.set(entry.name, entry.mode));
    expect(entries.has('package.json')).toBe(true);
    expect(entries.get('dist/main.js')! & 0o170000).toBe(0o100000);
    const claude = [...entries.keys()].filter((name) => /claude-agent-sdk-linux-[^/]+\/claude$/.test(name));
    expect(claude).toEqual(['node_modules/@anthropic-ai/claude-agent-sdk-linux-arm64/claude']);
    expect(entries.get(claude[0]!)! & 0o111).toBe(0o111);
    expect([...entries.keys()].some((name) => name.startsWith('node_modules/typescript/'))).toBe(false);
  });

  it('an unchanged redeploy (no flags: the artifact comes from the project state) uploads nothing and changes nothing', async () => {
    const result = await deploy(['--yes', '--json', '--timeout', '60s']);
    expect(result.exitCode, result.stderr as string).toBe(0);
    const out = JSON.parse(result.stdout as string);
    expect(out.plan.artifact).toEqual({ type: 'code', action: 'reuse', tag, location: `s3://${bucket}/${key}` });
    expect(out.plan.runtime.action).toBe('none');
    expect(out.plan.changes).toBe(false);
    expect(out.state_written).toBe(false);
    // The bucket is versioned: a second upload would be a second version.
    const versions = await aws().s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
    expect(versions.Versions).toHaveLength(1);
    const runtime = await aws().control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtimeId }));
    expect(runtime.agentRuntimeVersion).toBe('1');
  }, 120_000);

  it('invoke --repo against the code deployment is refused before any call, naming --artifact container', async () => {
    const result = await runCli(['invoke', '--repo', 'https://github.com/octocat/Hello-World.git', 'fix it'], {
      cwd: dir,
      env: { ...process.env, ...moto.env, AWS_PROFILE: undefined, AGENTCORE_CLAUDE_STATE: undefined },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--artifact container');
    expect(result.stderr).toMatch(/git/);
  });

  it('info says the runtime runs the code artifact and has no repository workspaces', async () => {
    const result = await runCli(['info'], { cwd: dir, env: { ...process.env, ...moto.env, AWS_PROFILE: undefined, AGENTCORE_CLAUDE_STATE: undefined } });
    expect(result.exitCode, result.stderr as string).toBe(0);
    expect(result.stdout).toMatch(/Artifact:\s+code \(managed Node\.js 22 runtime: s3:\/\/.+\/code\/c-[0-9a-f]{20}\.zip\)/);
    expect(result.stdout).toMatch(/Repo workspaces:\s+no: the managed runtime has no git/);
  });

  describe('the deployed zip on linux/arm64', () => {
    const unavailable = arm64Unavailable();
    if (unavailable && process.env.CI && process.env.CI !== 'false') {
      it('needs arm64 emulation in CI', () => {
        throw new Error(`Cannot run linux/arm64 binaries: ${unavailable}. .ci/run sets it up (as root).`);
      });
      return;
    }
    if (unavailable) {
      it.skip(`skipped: cannot run linux/arm64 binaries here (${unavailable}). Enable with: ${ENABLE_ARM64}`, () => undefined);
      return;
    }

    let model: ScriptedModel;
    let server: ResultPromise | undefined;
    let output = '';
    let url: string;
    let root: string;
    let firstSession: string;
    const timings: Record<string, number> = {};

    /**
     * A second invocation in `sessionId`: the model has the agent `cat` the file the first one
     * wrote (Bash, a child of the arm64 Claude Code binary), then write `next`. Checks that the
     * transcript was resumed (the first prompt is in the conversation), that Bash saw the first
     * file in the same workspace, and the streamed events. @returns the result event's files.
     */
    async function continueSession(serverUrl: string, sessionId: string, previous: string, next: string, firstPrompt: string): Promise<{ files: string[] }> {
      let toolOutput = '';
      let resumed: RecordedRequest | undefined;
      model.setScript([
        (request) => {
          resumed = request;
          return toolTurn([bash(`cat ${previous}`, 'read the earlier file')], 'Reading.');
        },
        (request) => {
          toolOutput = lastToolResults(request).map((r) => r.text).join('\n');
          return toolTurn([write(join(workingDirectory(request), next), 'continued on linux/arm64\n')], 'Writing.');
        },
        textTurn(`Wrote ${next}.`),
      ]);
      const { status, events } = await streamInvocation(serverUrl, { prompt: `Read ${previous}, then write ${next}`, permission_mode: 'acceptEdits', allowed_tools: ['Bash', 'Read', 'Write'] }, sessionId);
      expect(status).toBe(200);
      expect(events.filter((e) => e.event.type === 'tool_use').map((e) => e.event.name)).toEqual(['Bash', 'Write']);
      const result = events.at(-1)!.event;
      expect(result, JSON.stringify(result)).toMatchObject({ type: 'result', is_error: false });
      expect(result.result).toContain(`Wrote ${next}.`);
      expect(JSON.stringify(resumed?.messages)).toContain(firstPrompt);
      expect(toolOutput).toMatch(/written on linux\/arm64|container tree/);
      return { files: result.files.map((f: { file_name: string }) => f.file_name) };
    }

    beforeAll(async () => {
      model = await startScriptedModel();
      root = join(dir, 'runtime');
      const zipPath = join(dir, 'deployed.zip');
      if (!existsSync(zipPath)) {
        const object = await aws().s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        await pipeline(object.Body as Readable, createWriteStream(zipPath));
      }
      await extractZip(zipPath, join(root, 'code'));
      const node = await arm64Node22();
      expect(elfMachine(node)).toBe(EM_AARCH64);
      expect(elfMachine(join(root, 'code', 'node_modules/@anthropic-ai/claude-agent-sdk-linux-arm64/claude'))).toBe(EM_AARCH64);
      // The environment the runtime was deployed with, plus what AgentCore and this machine provide
      // instead of AWS: the port, moto's endpoint and credentials, the scripted model as Bedrock, and
      // a local directory standing in for the /mnt/workspace session storage mount.
      const deployed = (await aws().control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtimeId }))).environmentVariables ?? {};
      const port = await freePort();
      const workspace = join(root, 'mnt-workspace');
      await mkdir(workspace);
      const env = {
        PATH: process.env.PATH ?? '',
        ...deployed,
        WORKSPACE_ROOT: workspace,
        HOME: workspace,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...moto.env,
        ...model.bedrockEnv(deployed.ANTHROPIC_MODEL!, deployed.AWS_REGION),
      };
      url = `http://127.0.0.1:${port}`;
      const started = performance.now();
      server = execa(node, ['dist/main.js'], { cwd: join(root, 'code'), env, extendEnv: false, reject: false, all: true, cleanup: true });
      server.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = server.then((r) => {
        throw new Error(`the arm64 agent server exited (code ${r.exitCode}):\n${output}`);
      });
      exited.catch(() => undefined);
      await Promise.race([waitForHttp(`${url}/ping`, 120_000), exited]);
      timings.startToPingMs = performance.now() - started;
    }, 300_000);

    afterAll(async () => {
      if (server) {
        server.kill('SIGTERM');
        await server;
      }
      await model?.stop();
      if (Object.keys(timings).length) process.stderr.write(`arm64 code zip under ${process.arch === 'arm64' ? 'native arm64' : 'qemu-user emulation'}: ${JSON.stringify(timings)}\n`);
    });

    it('answers /ping as AgentCore asks (Healthy), printing its workspace root and outputs bucket', async () => {
      const ping = await fetch(`${url}/ping`);
      expect(ping.status).toBe(200);
      expect(await ping.json()).toMatchObject({ status: 'Healthy' });
      expect(output).toContain(`outputs: s3://${bucket}/outputs/`);
    });

    it('runs an invocation with the arm64 Claude Code binary: streamed events, the file in moto S3', async () => {
      model.setScript([
        (request) => toolTurn([write(join(workingDirectory(request), 'hello-arm64.txt'), 'written on linux/arm64\n')], 'Writing the file.'),
        textTurn('Wrote hello-arm64.txt.'),
      ]);
      const started = performance.now();
      const sessionId = newSessionId('arm64');
      const { status, contentType, events } = await streamInvocation(url, { prompt: 'Write hello-arm64.txt', permission_mode: 'acceptEdits' }, sessionId);
      timings.invocationMs = performance.now() - started;
      expect(status).toBe(200);
      expect(contentType).toContain('text/event-stream');
      const types = events.map((e) => e.event.type);
      expect(types[0]).toBe('start');
      expect(types).toContain('init');
      expect(events.filter((e) => e.event.type === 'tool_use').map((e) => e.event.name)).toEqual(['Write']);
      const result = events.at(-1)!.event;
      expect(result.type).toBe('result');
      expect(result.is_error, JSON.stringify(result)).toBe(false);
      expect(result.result).toContain('Wrote hello-arm64.txt.');
      expect(model.requests[0]!.path).toMatch(/^\/model\/us\.anthropic\.claude-haiku-4-5-20251001-v1(:|%3A)0\/invoke-with-response-stream/);
      const listed = await aws().s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'outputs/' }));
      const uploaded = listed.Contents?.map((o) => o.Key!).find((k) => k.endsWith('/hello-arm64.txt'));
      expect(uploaded, JSON.stringify(listed.Contents)).toBeDefined();
      const body = await (await aws().s3.send(new GetObjectCommand({ Bucket: bucket, Key: uploaded! }))).Body!.transformToString();
      expect(body).toBe('written on linux/arm64\n');
      firstSession = sessionId;
    }, 300_000);

    it('a second invocation continues that session: the transcript is resumed, Bash reads the first file, the new file lands in moto S3', async () => {
      const started = performance.now();
      const result = await continueSession(url, firstSession, 'hello-arm64.txt', 'second-arm64.txt', 'Write hello-arm64.txt');
      timings.secondInvocationMs = performance.now() - started;
      expect(result.files).toEqual(['second-arm64.txt']);
      const listed = await aws().s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'outputs/' }));
      const uploaded = listed.Contents?.map((o) => o.Key!).find((k) => k.endsWith('/second-arm64.txt'));
      expect(uploaded, JSON.stringify(listed.Contents)).toBeDefined();
      const body = await (await aws().s3.send(new GetObjectCommand({ Bucket: bucket, Key: uploaded! }))).Body!.transformToString();
      expect(body).toBe('continued on linux/arm64\n');
    }, 300_000);

    it("the container path's arm64 tree (the image's `npm run install:arm64` + dist) starts and runs an invocation too", async () => {
      const tree = join(dir, 'container-tree');
      await mkdir(tree);
      for (const name of ['package.json', 'package-lock.json']) await cp(join(CONTAINER, name), join(tree, name));
      await cp(join(CONTAINER, 'dist'), join(tree, 'dist'), { recursive: true });
      await installArm64(tree); // what the Dockerfile's deps stage runs
      expect(existsSync(join(tree, 'node_modules/@anthropic-ai/claude-agent-sdk-linux-x64'))).toBe(false);
      const node = await arm64Node22();
      const port = await freePort();
      const workspace = join(dir, 'container-tree-ws');
      await mkdir(workspace);
      let log = '';
      const started = performance.now();
      const child = execa(node, ['dist/main.js'], {
        cwd: tree,
        env: { PATH: process.env.PATH ?? '', WORKSPACE_ROOT: workspace, HOME: workspace, PORT: String(port), HOST: '127.0.0.1', OUTPUT_BUCKET_NAME: bucket, ...moto.env, ...model.bedrockEnv('us.anthropic.claude-haiku-4-5-20251001-v1:0') },
        extendEnv: false,
        reject: false,
        all: true,
        cleanup: true,
      });
      child.all?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      try {
        const exited = child.then((r) => {
          throw new Error(`the arm64 agent server (container tree) exited (code ${r.exitCode}):\n${log}`);
        });
        exited.catch(() => undefined);
        await Promise.race([waitForHttp(`http://127.0.0.1:${port}/ping`, 120_000), exited]);
        timings.containerTreeStartToPingMs = performance.now() - started;
        model.setScript([(request) => toolTurn([write(join(workingDirectory(request), 'tree.txt'), 'container tree\n')], 'Writing.'), textTurn('Wrote tree.txt.')]);
        const invokeStart = performance.now();
        const treeSession = newSessionId('arm64-tree');
        const { status, events } = await streamInvocation(`http://127.0.0.1:${port}`, { prompt: 'Write tree.txt', permission_mode: 'acceptEdits' }, treeSession);
        timings.containerTreeInvocationMs = performance.now() - invokeStart;
        expect(status).toBe(200);
        const result = events.at(-1)!.event;
        expect(result, JSON.stringify(result)).toMatchObject({ type: 'result', is_error: false });
        expect(result.result).toContain('Wrote tree.txt.');
        expect(result.files.map((f: { file_name: string }) => f.file_name)).toEqual(['tree.txt']);
        const secondStart = performance.now();
        const second = await continueSession(`http://127.0.0.1:${port}`, treeSession, 'tree.txt', 'tree-2.txt', 'Write tree.txt');
        timings.containerTreeSecondInvocationMs = performance.now() - secondStart;
        expect(second.files).toEqual(['tree-2.txt']);
        const listed = await aws().s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'outputs/' }));
        expect(listed.Contents?.map((o) => o.Key!).filter((k) => /\/tree(-2)?\.txt$/.test(k)).map((k) => k.split('/').at(-1)).sort()).toEqual(['tree-2.txt', 'tree.txt']);
      } finally {
        child.kill('SIGTERM');
        await child;
      }
    }, 300_000);
  });
});
