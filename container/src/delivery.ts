/**
 * Delivery of one invocation's work, whatever ended the run (success, max_turns, budget, model
 * error, the Claude Code process killed, the client gone, SIGTERM): the files it created or changed
 * are scrubbed of secrets, uploaded under the invocation's output prefix with the server's own
 * artifacts (transcript, patch), and the caller saves the session afterwards.
 *
 * Artifact names: the server's artifacts sit at the root of the output prefix under reserved names
 * ({@link RESERVED_ARTIFACT_NAMES}); a workspace file at one of those paths is uploaded under a
 * free name (`transcript (workspace).jsonl`, …) instead, so the agent can never take the place of
 * the server's transcript or patch.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { consoleUrl, outputPrefix } from './output-prefix.js';
import { scrubFile, type Redactor } from './redact.js';
import type { OutputLocation, ResponseFile } from './response.js';
import { TRANSCRIPT_FILE } from './transcript.js';
import { uploadFiles, type UploadedFile, type UploadError } from './uploader.js';
import { changedFiles, restamp, type ChangedFile, type Snapshot } from './workspace.js';

/** Name of the patch in an invocation's outputs when it worked on a repository. */
export const PATCH_FILE = 'changes.patch';
/** Names at the root of an output prefix that only the server's artifacts may take. */
export const RESERVED_ARTIFACT_NAMES: readonly string[] = [TRANSCRIPT_FILE, PATCH_FILE];

/** A file to deliver: where it is, and the name (key suffix) it gets under the output prefix. */
export interface DeliveredFile extends ChangedFile {
  /** Name under the output prefix (`/` separators); differs from the path only for reserved names. */
  key: string;
}

export interface Delivery {
  files: ResponseFile[];
  artifacts: Map<string, ResponseFile>;
  upload_errors: UploadError[];
  output: OutputLocation;
}

export interface DeliveryTarget {
  s3?: { client: S3Client; bucket: string; region: string; timeoutMs?: number };
  redact: Redactor;
  runtimeSessionId: string;
  invocationId: string;
  startedAt: Date;
  signal?: AbortSignal;
}

/** Largest file delivered (scrubbed, uploaded), bytes: `OUTPUT_MAX_FILE_BYTES`, default 2 GiB. */
export const DEFAULT_MAX_OUTPUT_FILE_BYTES = 2 * 1024 ** 3;

/**
 * The workspace's changed files, each scrubbed of secrets in place — bookkeeping too (`.git/config`
 * is archived with the session) — and returned without the bookkeeping; a path segment holding a
 * secret is renamed to its redacted form. Files over `maxFileBytes` (e.g. a huge sparse file) are
 * neither read nor delivered: they are listed in `skipped`. `after` is the workspace's snapshot as
 * the server leaves it (stamps of rewritten and renamed files refreshed). Git's compressed objects are not
 * readable text: a secret the agent commits itself stays in them (the patch is redacted).
 */
export async function collectChanges(
  workspace: string,
  before: Snapshot,
  redact: Redactor,
  isBookkeeping: (relativePath: string) => boolean,
  maxFileBytes = DEFAULT_MAX_OUTPUT_FILE_BYTES,
): Promise<{ changed: ChangedFile[]; skipped: UploadError[]; after: Snapshot }> {
  const changed: ChangedFile[] = [];
  const skipped: UploadError[] = [];
  const renamed = new Map<string, string>();
  const unaddressable = new Map<string, string>();
  let after!: Snapshot;
  const files = await changedFiles(workspace, before, unaddressable, (snap) => (after = snap));
  const touched = new Set<string>();
  for (const [path, reason] of unaddressable) {
    if (!isBookkeeping(path)) skipped.push({ file_name: redact(posix(path)), error: `${reason}: it cannot be read, so it is not delivered (rename it)` });
  }
  for (const found of files) {
    if (found.size > maxFileBytes) {
      if (!isBookkeeping(found.relativePath)) skipped.push({ file_name: redact(posix(found.relativePath)), error: `larger than ${maxFileBytes} bytes (OUTPUT_MAX_FILE_BYTES): not delivered` });
      continue;
    }
    const relativePath = await redactPathNames(workspace, found.relativePath, redact, renamed);
    const file = { ...found, relativePath, absolutePath: join(workspace, relativePath) };
    const scrubbed = await scrubFile(file.absolutePath, workspace, redact);
    if (relativePath !== found.relativePath || scrubbed === 'redacted') touched.add(found.relativePath).add(relativePath);
    if (!isBookkeeping(file.relativePath) && scrubbed !== 'skipped') changed.push(file);
  }
  // `after` describes the workspace as the server leaves it (the next invocation's starting point).
  await restamp(after, workspace, touched);
  return { changed, skipped, after };
}

/**
 * Rename every segment of `relativePath` that holds a secret to its redacted form (a free name:
 * ` 2`, ` 3`, … appended when taken); `renamed` carries earlier renames of parent folders.
 * @returns the path after renaming.
 */
async function redactPathNames(workspace: string, relativePath: string, redact: Redactor, renamed: Map<string, string>): Promise<string> {
  const segments = relativePath.split(sep);
  for (let i = 0; i < segments.length; i += 1) {
    const original = segments.slice(0, i + 1).join(sep);
    const done = renamed.get(original);
    if (done !== undefined) {
      segments[i] = done;
      continue;
    }
    const clean = redact(segments[i]!);
    if (clean === segments[i]) continue;
    const parent = join(workspace, ...segments.slice(0, i));
    let name = clean;
    for (let n = 2; existsSync(join(parent, name)); n += 1) name = `${clean} ${n}`;
    await rename(join(parent, segments[i]!), join(parent, name));
    renamed.set(original, name);
    segments[i] = name;
  }
  return segments.join(sep);
}

/** Scrub every file of the Claude config dir that changed since `before` (Claude Code's own transcripts). */
export async function scrubChanged(dir: string, before: Snapshot, redact: Redactor): Promise<void> {
  for (const file of await changedFiles(dir, before)) await scrubFile(file.absolutePath, dir, redact);
}

/**
 * Keys for the workspace files and the artifacts: artifacts keep their reserved names, a workspace
 * file with a reserved path moves to the first free `<stem> (workspace[ n])<ext>`. Pure.
 */
export function assignKeys(files: readonly ChangedFile[], artifacts: readonly ChangedFile[]): { files: DeliveredFile[]; artifacts: DeliveredFile[] } {
  const taken = new Set<string>([...files.map((f) => posix(f.relativePath)), ...artifacts.map((a) => a.relativePath)]);
  const delivered = files.map((file) => {
    const path = posix(file.relativePath);
    if (!RESERVED_ARTIFACT_NAMES.includes(path)) return { ...file, key: path };
    const ext = extname(path);
    const stem = path.slice(0, path.length - ext.length);
    let key = `${stem} (workspace)${ext}`;
    for (let n = 2; taken.has(key); n += 1) key = `${stem} (workspace ${n})${ext}`;
    taken.add(key);
    return { ...file, key };
  });
  return { files: delivered, artifacts: artifacts.map((a) => ({ ...a, key: a.relativePath })) };
}

/** Upload the files and artifacts (when a bucket is configured) and describe where they are. */
export async function deliver(
  target: DeliveryTarget,
  workspace: string,
  changed: readonly ChangedFile[],
  artifactFiles: readonly ChangedFile[],
  skipped: readonly UploadError[] = [],
): Promise<Delivery> {
  const { files, artifacts } = assignKeys(changed, artifactFiles);
  let uploaded: UploadedFile[] = [];
  let errors: UploadError[] = [];
  let output: OutputLocation;
  if (target.s3) {
    const prefix = outputPrefix(target.startedAt, target.invocationId);
    ({ uploaded, errors } = await uploadFiles([...files, ...artifacts], {
      ...target.s3,
      prefix,
      metadata: { 'runtime-session-id': target.runtimeSessionId, 'invocation-id': target.invocationId },
    }, target.signal));
    output = files.length > 0
      ? { location: 's3', bucket: target.s3.bucket, prefix, s3_url: `s3://${target.s3.bucket}/${prefix}`, console_url: consoleUrl(target.s3.bucket, prefix, target.s3.region) }
      : { location: 'local', path: workspace, reason: 'no file was created or changed' };
  } else {
    output = { location: 'local', path: workspace, reason: 'no output bucket is configured (OUTPUT_BUCKET_NAME)' };
  }
  const byKey = new Map(uploaded.map((u) => [u.file_name, u]));
  const describe = (file: DeliveredFile): ResponseFile => {
    const up = byKey.get(file.key);
    return { file_name: posix(file.relativePath), size: file.size, s3_url: up?.s3_url ?? null, console_url: up?.console_url ?? null, local_path: file.absolutePath };
  };
  return {
    files: files.map(describe),
    artifacts: new Map(artifacts.map((a) => [a.relativePath, describe(a)])),
    upload_errors: [...skipped, ...errors],
    output,
  };
}

function posix(relativePath: string): string {
  return relativePath.split(sep).join('/');
}

/** Where an artifact of the server lives for one invocation (server-only directory). */
export function artifactPath(serverDir: string, invocationId: string, name: string): string {
  return join(serverDir, invocationId, name);
}
