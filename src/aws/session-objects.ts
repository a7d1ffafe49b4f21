/**
 * The session objects the agent keeps in the output bucket (see container/src/session-store.ts):
 * `sessions/<id>.json` (record), `sessions/<id>.tar.gz` (base archive), `sessions/<id>/delta-…`
 * (delta archives) and `runs/<id>.json` (last run status).
 */
import { DeleteObjectsCommand, GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { RUNS_PREFIX, SESSIONS_PREFIX, sessionSummarySchema, type SessionSummary } from '@agentcore-claude/protocol';

/** A session record as `sessions` lists it (the protocol's session summary: archive details left out). */
export type SessionRecord = SessionSummary;

/** Keys of every session record in the bucket (paginated ListObjectsV2). */
export async function listSessionRecordKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: SESSIONS_PREFIX })) {
    for (const object of page.Contents ?? []) {
      if (object.Key?.endsWith('.json')) keys.push(object.Key);
    }
  }
  return keys;
}

/** Read one session record; `undefined` when it is not valid JSON of the expected shape. */
export async function readSessionRecord(s3: S3Client, bucket: string, key: string): Promise<SessionRecord | undefined> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  try {
    const parsed = sessionSummarySchema.safeParse(JSON.parse(await object.Body!.transformToString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The session's last stored run status (`runs/<id>.json`, written by the agent after each run is
 * delivered), unparsed; `undefined` when there is none. The object is untrusted: callers parse it.
 */
export async function readRunStatusObject(s3: S3Client, bucket: string, sessionId: string): Promise<unknown> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${RUNS_PREFIX}${sessionId}.json` }));
    const text = await object.Body!.transformToString();
    return text.length > 16 * 1024 * 1024 ? undefined : JSON.parse(text);
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404 || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/**
 * Delete everything the agent keeps for a session: its record and base archive
 * (`sessions/<id>.json`, `.tar.gz`), its delta archives (`sessions/<id>/…`) and its last run's status
 * (`runs/<id>.json`). In a versioned bucket this adds delete markers; the bucket's lifecycle rule
 * expires old versions. `sessionId` is a CLI-validated id, which is its own key name on the server.
 * @returns the keys that existed and were deleted.
 */
export async function deleteSessionObjects(s3: S3Client, bucket: string, sessionId: string): Promise<string[]> {
  const exact = [`${SESSIONS_PREFIX}${sessionId}.json`, `${SESSIONS_PREFIX}${sessionId}.tar.gz`, `${RUNS_PREFIX}${sessionId}.json`];
  const existing: string[] = [];
  for (const prefix of [`${SESSIONS_PREFIX}${sessionId}.`, `${SESSIONS_PREFIX}${sessionId}/`, `${RUNS_PREFIX}${sessionId}.`]) {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        if (object.Key && (exact.includes(object.Key) || object.Key.startsWith(`${SESSIONS_PREFIX}${sessionId}/`))) existing.push(object.Key);
      }
    }
  }
  // DeleteObjects takes at most 1,000 keys per call (S3 API reference).
  for (let i = 0; i < existing.length; i += 1000) {
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: existing.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
  }
  return existing;
}
