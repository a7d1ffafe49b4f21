/**
 * S3-backed session state, so a runtime session survives its microVM (AgentCore recycles a VM
 * after 15 minutes idle or 8 hours; the next invocation for that session may land on a new one).
 *
 * Objects per runtime session id:
 * - `sessions/<id>.tar.gz` — the session archive (see session-archive.ts);
 * - `sessions/<id>.json`   — {@link SessionRecord}: what `agentcore-claude sessions` lists.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { packSession, unpackSession, type UnpackResult } from './session-archive.js';
import { sessionDirName } from './workspace.js';

/** Key prefix of session objects in the output bucket. */
export const SESSIONS_PREFIX = 'sessions/';

/** The JSON record kept beside each session archive. Field names are a contract with the CLI. */
export interface SessionRecord {
  runtime_session_id: string;
  claude_session_id?: string;
  /** ISO-8601 UTC. */
  created_at: string;
  updated_at: string;
  /** Regular files in the archive (workspace + Claude config). */
  file_count: number;
  /** First prompt of the session, truncated to 500 characters. */
  first_prompt: string;
  last_prompt: string;
  invocations: number;
}

/** `sessions/<name>.tar.gz`, `<name>` the session's directory name (injective, never a path). */
export function sessionArchiveKey(sessionId: string): string {
  return `${SESSIONS_PREFIX}${sessionDirName(sessionId)}.tar.gz`;
}
/** `sessions/<name>.json`. */
export function sessionRecordKey(sessionId: string): string {
  return `${SESSIONS_PREFIX}${sessionDirName(sessionId)}.json`;
}

export class SessionStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** The session's record, or `undefined` when the session was never saved. */
  async record(sessionId: string): Promise<SessionRecord | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: sessionRecordKey(sessionId) }));
      return JSON.parse(await object.Body!.transformToString()) as SessionRecord;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Archive `<root>/<part>` for each part and upload it with the updated record.
   * @returns the record written.
   */
  async save(
    sessionId: string,
    root: string,
    parts: readonly string[],
    update: { prompt: string; claudeSessionId?: string; previous?: SessionRecord },
  ): Promise<SessionRecord> {
    const packed = await packSession(root, parts);
    try {
      await new Upload({
        client: this.s3,
        params: {
          Bucket: this.bucket,
          Key: sessionArchiveKey(sessionId),
          Body: createReadStream(packed.file),
          ContentType: 'application/gzip',
        },
      }).done();
      const now = new Date().toISOString();
      const previous = update.previous;
      const record: SessionRecord = {
        runtime_session_id: sessionId,
        claude_session_id: update.claudeSessionId ?? previous?.claude_session_id,
        created_at: previous?.created_at ?? now,
        updated_at: now,
        file_count: packed.fileCount,
        first_prompt: previous?.first_prompt ?? update.prompt.slice(0, 500),
        last_prompt: update.prompt.slice(0, 500),
        invocations: (previous?.invocations ?? 0) + 1,
      };
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: sessionRecordKey(sessionId),
          Body: JSON.stringify(record, null, 2),
          ContentType: 'application/json',
        }),
      );
      return record;
    } finally {
      await packed.cleanup();
    }
  }

  /**
   * Download and unpack the session archive into `<root>`.
   * @returns the unpack result and the record, or `undefined` when no archive exists.
   */
  async restore(
    sessionId: string,
    root: string,
    parts: readonly string[],
  ): Promise<(UnpackResult & { record?: SessionRecord }) | undefined> {
    let body: Readable;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: sessionArchiveKey(sessionId) }));
      body = object.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const tempDir = await mkdtemp(join(tmpdir(), 'session-restore-'));
    try {
      const file = join(tempDir, 'session.tar.gz');
      await pipeline(body, createWriteStream(file));
      const result = await unpackSession(file, root, parts);
      return { ...result, record: await this.record(sessionId) };
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return error instanceof NoSuchKey || e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
