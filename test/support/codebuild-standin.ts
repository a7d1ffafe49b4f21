/**
 * A loopback stand-in for AWS CodeBuild, because moto cannot do what `deploy --build codebuild`
 * needs (verified on moto 5.2.1): its CloudFormation skips `AWS::CodeBuild::Project` (the stack
 * is CREATE_COMPLETE without the project, and outputs referencing it are dropped), and its
 * CodeBuild never runs a build (BatchGetBuilds marks it SUCCEEDED with every phase on the first
 * read, logs under group "null", nothing pushed).
 *
 * Protocol: AWS JSON 1.1, as the real `@aws-sdk/client-codebuild` sends it — `POST /`,
 * `X-Amz-Target: CodeBuild_20161006.<Operation>`, JSON body, timestamps as epoch seconds; errors
 * are HTTP 400 with `{"__type": "<Exception>", "message": …}`. Served: StartBuild, BatchGetBuilds,
 * StopBuild. Select it with `AWS_ENDPOINT_URL_CODEBUILD=<endpoint>` (the SDK's service id is
 * "CodeBuild"), everything else stays on moto.
 *
 * The project: the one the template declares, found as CloudFormation would have made it — the
 * moto stack whose `ImageBuildProjectName` output names it — with the repository
 * (`EcrRepositoryUri`, the project's REPOSITORY_URI) and log group (`ImageBuildLogGroupName`, its
 * LogsConfig) from that stack. An unknown project is `ResourceNotFoundException`, as CodeBuild says.
 *
 * A build goes through CodeBuild's phases, `phasesPerRead` phases per BatchGetBuilds read:
 * SUBMITTED, QUEUED, PROVISIONING (creates its log stream, named by the build id's UUID as
 * CodeBuild does), DOWNLOAD_SOURCE (reads the source zip from moto S3: a missing object fails the
 * phase with CLIENT_ERROR, as CodeBuild does), INSTALL, PRE_BUILD (the buildspec's ECR login),
 * BUILD (docker build + push: registers `<repository>:<IMAGE_TAG>` in moto's ECR with PutImage, as
 * the fake docker does for pushes; or fails with the scripted lines), POST_BUILD,
 * UPLOAD_ARTIFACTS, FINALIZING, COMPLETED. Log lines land in moto CloudWatch Logs as they happen.
 * `hold` keeps builds in BUILD (IN_PROGRESS) until StopBuild.
 */
import { randomUUID } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { registerPushedImage } from './fake-docker/register-image.mjs';
import { eachEntry } from './unzip.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PHASES = ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED'] as const;
type PhaseType = (typeof PHASES)[number];

/** A scripted failure of the next builds. */
export interface ScriptedFailure {
  /** Only BUILD is scripted (what a broken Dockerfile does). */
  phase: 'BUILD';
  /** Lines the failing command prints to the build log. */
  lines: string[];
}

interface Phase {
  phaseType: PhaseType;
  phaseStatus?: string;
  startTime: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts?: Array<{ statusCode: string; message: string }>;
}

/** One build as the stand-in runs it; tests read these. */
export interface StandinBuild {
  id: string;
  projectName: string;
  /** What StartBuild was asked. */
  request: Record<string, unknown>;
  imageTag?: string;
  repositoryUri: string;
  logGroup: string;
  logStream: string;
  /** Files of the source zip read from S3 in DOWNLOAD_SOURCE (path → mode). */
  sourceFiles: Map<string, number>;
  /** Index in PHASES of the phase in progress. */
  index: number;
  phases: Phase[];
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  failure?: ScriptedFailure;
  /** The image pushed to moto ECR, if any. */
  pushed?: string;
  reads: number;
}

export interface CodeBuildStandin {
  endpoint: string;
  /** `AWS_ENDPOINT_URL_CODEBUILD` for the CLI's environment. */
  env: Record<string, string>;
  builds: StandinBuild[];
  /** Make the next builds fail (undefined: succeed). */
  failWith(failure: ScriptedFailure | undefined): void;
  /** Keep the next builds in BUILD until StopBuild (true) or let them run (false). */
  hold(on: boolean): void;
  stop(): Promise<void>;
}

/** Start the stand-in; AWS calls it makes itself go to moto at `motoEndpoint`. */
export async function startCodeBuildStandin(motoEndpoint: string, options: { phasesPerRead?: number } = {}): Promise<CodeBuildStandin> {
  const phasesPerRead = options.phasesPerRead ?? 2;
  const config = { region: REGION, endpoint: motoEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const cfn = new CloudFormationClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const ecr = new ECRClient(config);
  const logs = new CloudWatchLogsClient(config);
  const builds: StandinBuild[] = [];
  let failure: ScriptedFailure | undefined;
  let holding = false;

  const now = () => Date.now() / 1000;
  const log = async (build: StandinBuild, lines: string[]) => {
    if (!lines.length) return;
    const base = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: build.logGroup,
        logStreamName: build.logStream,
        logEvents: lines.map((message, i) => ({ timestamp: base + i, message: `${message}\n` })),
      }),
    );
  };
  const container = (text: string) => `[Container] ${new Date().toISOString().replace('T', ' ').slice(0, 19)} ${text}`;

  const endPhase = (build: StandinBuild, status: string, context?: { statusCode: string; message: string }) => {
    const phase = build.phases.at(-1)!;
    phase.phaseStatus = status;
    phase.endTime = now();
    phase.durationInSeconds = Math.round(phase.endTime - phase.startTime);
    phase.contexts = context ? [context] : [{ statusCode: '', message: '' }];
  };

  /** What happens inside a phase before it ends: side effects and log lines; returns a failure context, if any. */
  const runPhase = async (build: StandinBuild, type: PhaseType): Promise<{ statusCode: string; message: string } | undefined> => {
    switch (type) {
      case 'PROVISIONING':
        await logs.send(new CreateLogStreamCommand({ logGroupName: build.logGroup, logStreamName: build.logStream }));
        await log(build, [container('Waiting for agent ping'), container('Waiting for DOWNLOAD_SOURCE')]);
        return undefined;
      case 'DOWNLOAD_SOURCE': {
        const location = String(build.request.sourceLocationOverride ?? '');
        const slash = location.indexOf('/');
        const [bucket, key] = [location.slice(0, slash), location.slice(slash + 1)];
        let body: Uint8Array;
        try {
          // StartBuild's sourceVersion, for an S3 source: the version id of the zip to build.
          const version = build.request.sourceVersion === undefined ? {} : { VersionId: String(build.request.sourceVersion) };
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...version }));
          body = await object.Body!.transformToByteArray();
        } catch (error) {
          const message = `NoSuchKey: The specified key does not exist. for primary source and source version ${location}`;
          await log(build, [container(`Phase context status code: CLIENT_ERROR Message: ${message}`), String((error as Error).name)]);
          return { statusCode: 'CLIENT_ERROR', message };
        }
        const dir = await mkdtemp(join(tmpdir(), 'codebuild-standin-'));
        try {
          await writeFile(join(dir, 'source.zip'), body);
          await eachEntry(join(dir, 'source.zip'), async (entry) => void build.sourceFiles.set(entry.name, entry.mode));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
        await log(build, [container(`Processing environment variables`), container(`CODEBUILD_SRC_DIR=/codebuild/output/src1/src`), container(`YAML location is /codebuild/readonly/buildspec.yml`)]);
        return undefined;
      }
      case 'INSTALL':
        await log(build, [container('Entering phase INSTALL'), container('Phase complete: INSTALL State: SUCCEEDED')]);
        return undefined;
      case 'PRE_BUILD':
        await log(build, [
          container('Entering phase PRE_BUILD'),
          container('Running command aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"'),
          'Login Succeeded',
        ]);
        return undefined;
      case 'BUILD': {
        const image = `${build.repositoryUri}:${build.imageTag}`;
        await log(build, [container('Entering phase BUILD'), container(`Running command docker build --platform linux/arm64 --tag "$REPOSITORY_URI:$IMAGE_TAG" .`), '#1 [internal] load build definition from Dockerfile']);
        if (!build.sourceFiles.has('Dockerfile')) {
          const message = 'Error while executing command: docker build --platform linux/arm64 --tag "$REPOSITORY_URI:$IMAGE_TAG" .. Reason: exit status 1';
          await log(build, ['ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory', container(`Command did not exit successfully docker build exit status 1`)]);
          return { statusCode: 'COMMAND_EXECUTION_ERROR', message };
        }
        if (build.failure) {
          await log(build, [...build.failure.lines, container('Command did not exit successfully docker build --platform linux/arm64 --tag "$REPOSITORY_URI:$IMAGE_TAG" . exit status 1')]);
          return { statusCode: 'COMMAND_EXECUTION_ERROR', message: 'Error while executing command: docker build --platform linux/arm64 --tag "$REPOSITORY_URI:$IMAGE_TAG" .. Reason: exit status 1' };
        }
        // What the push does: the tag appears in the repository.
        const digest = await registerPushedImage(ecr, build.repositoryUri, build.imageTag!);
        build.pushed = image;
        await log(build, ['#12 naming to ' + image + ' done', container(`Running command docker push "$REPOSITORY_URI:$IMAGE_TAG"`), `${build.imageTag}: digest: sha256:${digest} size: 1`]);
        return undefined;
      }
      case 'POST_BUILD':
        await log(build, [container('Entering phase POST_BUILD'), container('Phase complete: POST_BUILD State: SUCCEEDED')]);
        return undefined;
      default:
        return undefined;
    }
  };

  /** Advance one phase: end the current one (running what it does), start the next. */
  const advance = async (build: StandinBuild): Promise<void> => {
    if (build.status !== 'IN_PROGRESS') return;
    const type = PHASES[build.index]!;
    if (holding && type === 'BUILD') return;
    const failed = build.phases.some((p) => p.phaseStatus === 'FAILED');
    // After a failure, CodeBuild skips the remaining build phases and finalizes.
    const context = failed ? undefined : await runPhase(build, type);
    endPhase(build, context ? 'FAILED' : 'SUCCEEDED', context);
    let next = build.index + 1;
    if (context && PHASES.indexOf('POST_BUILD') > next) next = PHASES.indexOf('UPLOAD_ARTIFACTS');
    build.index = next;
    const nextType = PHASES[next]!;
    build.phases.push({ phaseType: nextType, startTime: now() });
    if (nextType === 'COMPLETED') {
      build.status = build.phases.some((p) => p.phaseStatus === 'FAILED') ? 'FAILED' : 'SUCCEEDED';
      await log(build, [container(`Phase complete: FINALIZING State: SUCCEEDED`)]);
    }
  };

  const describe = (build: StandinBuild) => ({
    id: build.id,
    arn: `arn:aws:codebuild:${REGION}:${ACCOUNT}:build/${build.id}`,
    buildNumber: builds.indexOf(build) + 1,
    startTime: build.phases[0]!.startTime,
    ...(build.status !== 'IN_PROGRESS' ? { endTime: build.phases.at(-1)!.startTime } : {}),
    currentPhase: PHASES[build.index],
    buildStatus: build.status,
    projectName: build.projectName,
    phases: build.phases,
    source: { type: 'S3', location: build.request.sourceLocationOverride },
    environment: { type: 'ARM_CONTAINER', image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0', computeType: 'BUILD_GENERAL1_SMALL', privilegedMode: true },
    logs: {
      groupName: build.logGroup,
      streamName: build.logStream,
      deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${REGION}#logEvent:group=${build.logGroup};stream=${build.logStream}`,
      cloudWatchLogsArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${build.logGroup}:log-stream:${build.logStream}`,
    },
    buildComplete: build.status !== 'IN_PROGRESS',
    initiator: 'test',
  });

  const projectStack = async (projectName: string) => {
    const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    for (const stack of stacks) {
      const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
      if (outputs.ImageBuildProjectName === projectName) return outputs;
    }
    return undefined;
  };

  const operations: Record<string, (body: Record<string, any>) => Promise<unknown>> = {
    async StartBuild(body) {
      const projectName = String(body.projectName ?? '');
      const outputs = await projectStack(projectName);
      if (!outputs) throw awsError('ResourceNotFoundException', `Project cannot be found: arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${projectName}`);
      const uuid = randomUUID();
      const variables = (body.environmentVariablesOverride ?? []) as Array<{ name: string; value: string }>;
      const build: StandinBuild = {
        id: `${projectName}:${uuid}`,
        projectName,
        request: body,
        imageTag: variables.find((v) => v.name === 'IMAGE_TAG')?.value,
        repositoryUri: outputs.EcrRepositoryUri!,
        logGroup: outputs.ImageBuildLogGroupName!,
        logStream: uuid,
        sourceFiles: new Map(),
        index: 0,
        phases: [{ phaseType: 'SUBMITTED', startTime: now() }],
        status: 'IN_PROGRESS',
        failure,
        reads: 0,
      };
      builds.push(build);
      await advance(build); // SUBMITTED ends at once; QUEUED
      return { build: describe(build) };
    },
    async BatchGetBuilds(body) {
      const ids = (body.ids ?? []) as string[];
      const found: unknown[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        const build = builds.find((b) => b.id === id);
        if (!build) {
          missing.push(id);
          continue;
        }
        build.reads += 1;
        for (let i = 0; i < phasesPerRead; i++) await advance(build);
        found.push(describe(build));
      }
      return { builds: found, buildsNotFound: missing };
    },
    async StopBuild(body) {
      const build = builds.find((b) => b.id === body.id);
      if (!build) throw awsError('ResourceNotFoundException', `Build ${String(body.id)} does not exist`);
      if (build.status === 'IN_PROGRESS') {
        endPhase(build, 'STOPPED');
        build.status = 'STOPPED';
        build.index = PHASES.indexOf('COMPLETED');
        build.phases.push({ phaseType: 'COMPLETED', startTime: now() });
      }
      return { build: describe(build) };
    },
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('CodeBuild_20161006.') ? operations[target.slice('CodeBuild_20161006.'.length)] : undefined;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || !operation) return reply(400, { __type: 'InvalidAction', message: `The stand-in does not serve ${target || `${req.method} ${req.url}`}` });
    try {
      reply(200, await operation(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
    } catch (error) {
      const e = error as Error & { awsType?: string };
      reply(400, { __type: e.awsType ?? 'InternalFailure', message: e.message });
    }
  };
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    env: { AWS_ENDPOINT_URL_CODEBUILD: endpoint },
    builds,
    failWith(next) {
      failure = next;
    },
    hold(on) {
      holding = on;
    },
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function awsError(type: string, message: string): Error & { awsType: string } {
  return Object.assign(new Error(message), { awsType: type });
}
