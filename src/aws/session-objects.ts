/**
 * The session objects the agent keeps in the output bucket (see container/src/session-store.ts):
 * `sessions/<id>.json` (record) and `sessions/<id>.tar.gz` (archive).
 */
import { DeleteObjectsCommand, GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';

export const SESSIONS_PREFIX = 'sessions/';

/** A session record as the agent writes it. Unknown fields are kept out; missing optional ones tolerated. */
export const sessionRecordSchema = z.object({
  runtime_session_id: z.string(),
  claude_session_id: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  file_count: z.number(),
  first_prompt: z.string(),
  last_prompt: z.string().optional(),
  invocations: z.number().optional(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

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
    const parsed = sessionRecordSchema.safeParse(JSON.parse(await object.Body!.transformToString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Delete a session's record and archive (in a versioned bucket this adds delete markers; the
 * bucket's lifecycle rule expires old versions).
 * @returns the keys that existed and were deleted.
 */
export async function deleteSessionObjects(s3: S3Client, bucket: string, sessionId: string): Promise<string[]> {
  const keys = [`${SESSIONS_PREFIX}${sessionId}.json`, `${SESSIONS_PREFIX}${sessionId}.tar.gz`];
  const existing: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: `${SESSIONS_PREFIX}${sessionId}.` })) {
    for (const object of page.Contents ?? []) if (object.Key && keys.includes(object.Key)) existing.push(object.Key);
  }
  if (existing.length > 0) {
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: existing.map((Key) => ({ Key })), Quiet: true } }));
  }
  return existing;
}
