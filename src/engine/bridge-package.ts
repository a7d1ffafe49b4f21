/**
 * The code package of the HTTP API's Lambda bridge (`deploy --with-api`): the esbuild bundle of
 * src/lambda/bridge.ts **with** the AWS SDK client inside it (`npm run build:lambda`, target
 * node22, ≈ 0.5 MB) as `index.js` at the root of a zip (Handler `index.handler`, CommonJS: no
 * package.json in the zip), in the stack's output bucket under a content-addressed key, referenced
 * by the template's `S3Bucket`/`S3Key`/`S3ObjectVersion`.
 *
 * Why a zip in S3: the Lambda Node.js runtimes ship an AWS SDK v3 of their own, at a version AWS
 * pins per runtime and region; AWS advises deployment packages to carry the SDK versions they need
 * rather than rely on it (Lambda developer guide, "Deploy Node.js Lambda functions with .zip file
 * archives", nodejs-package.html, and "Runtime-included SDK versions", lambda-nodejs.html). Bundled,
 * the bridge is far over CloudFormation's 4,096-byte inline `ZipFile` code.
 *
 * Same bundle → same key (`lambda/api-bridge-<content tag>.zip`, the tag over the bundle and the
 * packaging recipe), so an unchanged redeploy neither zips, uploads nor changes the stack. The zip
 * itself is deterministic too (fixed timestamps, fixed mode; see `zipDirectory`).
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { headObject, uploadFile } from '../aws/s3-code.js';
import { contentTag } from '../core/content-tag.js';
import { CliError } from '../core/errors.js';
import { zipDirectory } from './code-package.js';

/** S3 key prefix of bridge packages in the stack's bucket (next to `code/`, `outputs/`, `sessions/`). */
export const BRIDGE_KEY_PREFIX = 'lambda/api-bridge-';

/** The file inside the zip; the template's `Handler: index.handler` names it. */
export const BRIDGE_ENTRY_FILE = 'index.js';

/** Version of the packaging recipe: part of the tag, so a changed recipe makes a new key. */
const RECIPE = `agentcore-claude api bridge package v1; ${BRIDGE_ENTRY_FILE}; nodejs22.x; commonjs`;

/**
 * Read the built bundle (`dist/lambda/bridge.cjs`).
 * @throws CliError `NO_BRIDGE_BUNDLE` when it is missing, naming `npm run build`.
 */
export async function readBridgeBundle(bundlePath: string): Promise<Buffer> {
  return readFile(bundlePath).catch((error: unknown) => {
    throw new CliError(`The Lambda bridge bundle ${bundlePath} is missing.`, {
      hint: 'Run `npm run build` (it bundles src/lambda/bridge.ts).',
      code: 'NO_BRIDGE_BUNDLE',
      cause: error,
    });
  });
}

/** The S3 key of the package of `bundle`: `lambda/api-bridge-<tag>.zip`. */
export function bridgePackageKey(bundle: Uint8Array): string {
  return `${BRIDGE_KEY_PREFIX}${contentTag([{ path: BRIDGE_ENTRY_FILE, content: bundle }, { path: '\0recipe', content: RECIPE }])}.zip`;
}

export interface BridgeZip {
  /** The zip file (in a temp directory). */
  zipPath: string;
  /** Size of the zip in bytes. */
  bytes: number;
  /** Remove the temp directory. */
  cleanup(): Promise<void>;
}

/** Zip `bundle` as `index.js` (mode 0644, fixed timestamp): the same bundle gives the same bytes. */
export async function zipBridge(bundle: Uint8Array): Promise<BridgeZip> {
  const work = await mkdtemp(join(tmpdir(), 'agentcore-claude-bridge-'));
  const cleanup = () => rm(work, { recursive: true, force: true });
  try {
    const stage = join(work, 'package');
    await mkdir(stage);
    const entry = join(stage, BRIDGE_ENTRY_FILE);
    await writeFile(entry, bundle);
    await chmod(entry, 0o644);
    const zipPath = join(work, 'bridge.zip');
    await zipDirectory(stage, zipPath);
    return { zipPath, bytes: (await stat(zipPath)).size, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Where the bridge's code is, as the template's parameters take it. */
export interface PublishedBridge {
  bucket: string;
  key: string;
  /** The object's version ('' in a bucket without versioning). */
  versionId: string;
  /** Zip bytes when this call uploaded it; undefined when the key was already there. */
  uploadedBytes?: number;
}

/**
 * Make sure the package of the bundle at `bundlePath` is in `s3://bucket/<key>`: HeadObject, and
 * only when the key has no current version (never uploaded, or expired by the bucket's lifecycle
 * rule), zip and upload it.
 * @throws CliError `NO_BRIDGE_BUNDLE`; S3 errors as CliError (s3:GetObject / s3:PutObject).
 */
export async function publishBridge(s3: S3Client, bucket: string, bundlePath: string): Promise<PublishedBridge> {
  const bundle = await readBridgeBundle(bundlePath);
  const key = bridgePackageKey(bundle);
  const existing = await headObject(s3, bucket, key);
  if (existing) return { bucket, key, versionId: existing.versionId ?? '' };
  const zip = await zipBridge(bundle);
  try {
    const { versionId } = await uploadFile(s3, bucket, key, zip.zipPath, zip.bytes);
    return { bucket, key, versionId: versionId ?? '', uploadedBytes: zip.bytes };
  } finally {
    await zip.cleanup();
  }
}
