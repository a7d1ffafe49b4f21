/**
 * Fetch an invocation's transcript (`transcript.jsonl`) for `invoke --transcript`: from S3 when it
 * was uploaded, else from the agent's disk when that is this machine (`--local`).
 */
import { readFile } from 'node:fs/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { AgentFile } from '@agentcore-claude/protocol';
import { CliError } from '../core/errors.js';
import type { AwsClients } from '../aws/clients.js';

/** Split `s3://bucket/key` into its parts; undefined for anything else. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/**
 * The transcript's text (JSON Lines).
 * @param aws AWS clients for S3 (only called when the transcript is in S3).
 * @throws CliError (exit 3) when it can be read from neither place.
 */
export async function readTranscript(file: AgentFile, aws: () => AwsClients, local: boolean): Promise<string> {
  const s3 = file.s3_url ? parseS3Url(file.s3_url) : undefined;
  if (s3) {
    const object = await aws().s3().send(new GetObjectCommand({ Bucket: s3.bucket, Key: s3.key }));
    return object.Body!.transformToString();
  }
  if (local && file.local_path) return readFile(file.local_path, 'utf8');
  throw new CliError('The transcript was neither uploaded nor on this machine.', {
    hint: file.local_path ? `It is on the agent's disk at ${file.local_path}.` : undefined,
    code: 'NO_TRANSCRIPT',
  });
}
