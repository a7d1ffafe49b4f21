/**
 * `sessions`: the runtime sessions the agent saved to S3 (for continuation across microVMs),
 * and removing one.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { deleteSessionObjects, listSessionRecordKeys, readSessionRecord, type SessionRecord } from '../aws/session-objects.js';
import { CliError, ExitCode } from '../core/errors.js';

/** Records read in parallel at most this many at a time. */
const READ_CONCURRENCY = 8;

/** Every saved session, most recently updated first. Unreadable records are skipped. */
export async function listSessions(s3: S3Client, bucket: string): Promise<SessionRecord[]> {
  const keys = await listSessionRecordKeys(s3, bucket);
  const records: SessionRecord[] = [];
  for (let i = 0; i < keys.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(keys.slice(i, i + READ_CONCURRENCY).map((key) => readSessionRecord(s3, bucket, key)));
    for (const record of batch) if (record) records.push(record);
  }
  return records.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
}

/**
 * Delete one session's saved state.
 * @throws CliError (exit 2) when the bucket holds nothing for that id.
 */
export async function removeSession(s3: S3Client, bucket: string, sessionId: string): Promise<string[]> {
  const deleted = await deleteSessionObjects(s3, bucket, sessionId);
  if (deleted.length === 0) {
    throw new CliError(`No saved session "${sessionId}" in s3://${bucket}/sessions/.`, {
      exitCode: ExitCode.Usage,
      hint: 'Run `agentcore-claude sessions` to list the saved sessions.',
      code: 'NO_SUCH_SESSION',
    });
  }
  return deleted;
}
