/**
 * Load the Lambda bridge from its zip as the nodejs22.x runtime does: the zip extracted into an
 * empty directory (Lambda's /var/task), `index.js` required as CommonJS, `handler` called with an
 * API Gateway proxy event. The directory is made under os.tmpdir() and checked to have nothing a
 * `require` of the SDK could fall back on: no `node_modules` on Node's lookup path for it (every
 * ancestor's node_modules, NODE_PATH, ~/.node_modules, ~/.node_libraries, <prefix>/lib/node), and no
 * package.json above it (which could make index.js an ES module). So the handler can only call AWS
 * with the SDK client bundled inside the zip.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readBridgeBundle, zipBridge } from '../../src/engine/bridge-package.js';
import { REPO_ROOT } from './cli.js';
import { extractZip } from './unzip.js';

/** The SDK package the bridge calls AgentCore with. */
export const BRIDGE_SDK_PACKAGE = '@aws-sdk/client-bedrock-agentcore';

type ProxyHandler = (event: APIGatewayProxyEvent, context: { getRemainingTimeInMillis(): number }) => Promise<APIGatewayProxyResult>;

export interface LoadedBridge {
  /** The directory the zip was extracted into. */
  dir: string;
  /** The entries of that directory after extraction. */
  files: string[];
  handler: ProxyHandler;
  cleanup(): void;
}

/** Where `require(BRIDGE_SDK_PACKAGE)` from a module in `dir` would look (Node's own list), that exist. */
export function existingLookupPaths(dir: string): string[] {
  const paths = createRequire(join(dir, 'index.js')).resolve.paths(BRIDGE_SDK_PACKAGE) ?? [];
  return paths.filter((path) => existsSync(path));
}

/** package.json files in `dir`'s ancestors (the nearest one decides CommonJS vs ES module). */
export function ancestorManifests(dir: string): string[] {
  const found: string[] = [];
  for (let at = dirname(resolve(dir)); ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) found.push(join(at, 'package.json'));
    if (dirname(at) === at) return found;
  }
}

/** An empty directory under os.tmpdir() where nothing but what is put into it can be required. */
export function cleanLambdaDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-task-'));
  const lookups = existingLookupPaths(dir);
  const manifests = ancestorManifests(dir);
  if (lookups.length || manifests.length) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${dir} is not a clean Lambda task directory: node_modules on the lookup path ${JSON.stringify(lookups)}, package.json above it ${JSON.stringify(manifests)}`);
  }
  return dir;
}

/**
 * Extract the zip at `zipPath` into a clean directory and load its `index.js` (configuration from
 * process.env, as in Lambda: AGENT_RUNTIME_ARN, AWS_REGION, AWS_ENDPOINT_URL_BEDROCK_AGENTCORE…).
 */
export async function loadBridgeZip(zipPath: string): Promise<LoadedBridge> {
  const dir = cleanLambdaDir();
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await extractZip(zipPath, dir);
    const mod = createRequire(join(dir, 'index.js'))('./index.js') as { handler: ProxyHandler };
    return { dir, files: readdirSync(dir).sort(), handler: mod.handler, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** The zip `deploy --with-api` uploads for the built bundle (dist/lambda/bridge.cjs), loaded as Lambda does. */
export async function loadBuiltBridge(): Promise<LoadedBridge> {
  const zip = await zipBridge(await readBridgeBundle(join(REPO_ROOT, 'dist/lambda/bridge.cjs')));
  try {
    return await loadBridgeZip(zip.zipPath);
  } finally {
    await zip.cleanup();
  }
}
