/**
 * Starts a real `moto_server` (AWS emulator, moto 5.x) on a free loopback port for a test file.
 * Fails loudly when moto_server is missing: end-to-end suites must never be skipped silently.
 */
import { execa, type ResultPromise } from 'execa';
import { freePort, waitForHttp } from './ports.js';

export interface Moto {
  /** e.g. http://127.0.0.1:5123 — pass as AWS_ENDPOINT_URL. */
  endpoint: string;
  /** Environment for AWS SDK clients (and the CLI binary) pointing at this server. */
  env: Record<string, string>;
  /** Wipe all emulated state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The moto_server executable: $MOTO_SERVER or `moto_server` on PATH. */
export function motoCommand(): string {
  return process.env.MOTO_SERVER ?? 'moto_server';
}

/**
 * @param options.env extra environment for moto_server, e.g. `INITIAL_NO_AUTH_ACTION_COUNT` (moto
 *   checks SigV4 signatures and IAM policies after that many requests).
 */
export async function startMoto(options: { env?: Record<string, string> } = {}): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let child: ResultPromise;
  try {
    child = execa(motoCommand(), ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
      reject: false,
      env: options.env,
      cleanup: true,
    });
  } catch (error) {
    throw new Error(`Cannot start moto_server (${(error as Error).message}). Install it: pip install 'moto[server]'`);
  }
  const exited = child.then((r) => {
    throw new Error(`moto_server exited early (code ${r.exitCode}). Is it installed? pip install 'moto[server]'`);
  });
  await Promise.race([waitForHttp(`${endpoint}/moto-api/`, 30_000), exited]);
  exited.catch(() => undefined);
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      child.kill('SIGTERM');
      await child.catch(() => undefined);
    },
  };
}
