/**
 * In-process deploy context for engine tests: recording output streams, a temp build context and
 * state path, and AWS clients with static credentials (requests go wherever the SDK is pointed:
 * aws-sdk-client-mock or moto).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { AwsClients } from '../../src/aws/clients.js';
import { resolveConfig, type Settings } from '../../src/core/config.js';
import type { DeploymentState } from '../../src/core/state.js';
import type { DeployContext, DeployOptions } from '../../src/engine/deploy.js';
import { IoHost } from '../../src/io/host.js';

export const TEMPLATE_PATH = fileURLToPath(new URL('../../templates/infrastructure.yaml', import.meta.url));
/** Delays of 1 ms between the checks of every wait: tests do not wait seconds for a mocked status. */
export const FAST_WAITS = { minDelay: 0.001, maxDelay: 0.001 };

export const FAKE_DOCKER_DIR = fileURLToPath(new URL('./fake-docker', import.meta.url));

/** A writable stream that keeps what was written. */
export class Recorder extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface TestDeploy {
  dir: string;
  contextDir: string;
  statePath: string;
  stdout: Recorder;
  stderr: Recorder;
  context(settings?: Settings, state?: DeploymentState, onCall?: (service: string, command: string) => void): DeployContext;
  options(extra?: Partial<DeployOptions>): DeployOptions;
  cleanup(): Promise<void>;
}

/** A temp directory with a minimal build context (Dockerfile + one source file). */
export async function makeTestDeploy(): Promise<TestDeploy> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-test-'));
  const contextDir = join(dir, 'container');
  await mkdir(join(contextDir, 'src'), { recursive: true });
  await writeFile(join(contextDir, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:20-slim\nCOPY . /app\n');
  await writeFile(join(contextDir, 'src', 'server.js'), 'console.log("agent")\n');
  const stdout = new Recorder();
  const stderr = new Recorder();
  return {
    dir,
    contextDir,
    statePath: join(dir, '.agentcore-claude', 'deployments.json'),
    stdout,
    stderr,
    context(settings = {}, state, onCall) {
      const io = new IoHost({ stdout, stderr, stdin: { isTTY: false } as NodeJS.ReadStream, env: { CI: 'true' } });
      const config = resolveConfig({ flags: { name: 'my-agent', region: 'us-east-1', ...settings } });
      let clients: AwsClients | undefined;
      return {
        io,
        config,
        region: config.region!,
        statePath: join(dir, '.agentcore-claude', 'deployments.json'),
        state,
        aws: () => (clients ??= new AwsClients({ region: config.region!, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }), maxAttempts: 1, onCall })),
      };
    },
    options(extra = {}) {
      return { contextDir, templatePath: TEMPLATE_PATH, delays: FAST_WAITS, ...extra };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
