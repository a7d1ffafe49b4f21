/**
 * Finished runs in S3, so `{"action":"status"}` answers after the microVM that ran them is gone
 * (AgentCore ends a session's microVM after its idle timeout; an async run's reply would otherwise
 * exist only in that VM's memory).
 *
 * One object per runtime session: `runs/<name>.json`, the session's latest {@link RunState}
 * (secrets already redacted by the caller), where `<name>` is the session's directory name
 * (workspace.ts `sessionDirName`: injective, never a path).
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RUNS_PREFIX } from './vendor/protocol/s3-layout.js';
import type { RunState } from './vendor/protocol/run-status.js';
import { sessionDirName } from './workspace.js';

export { RUNS_PREFIX } from './vendor/protocol/s3-layout.js';

/** The key of a session's latest run status. */
export function runStatusKey(sessionId: string): string {
  return `${RUNS_PREFIX}${sessionDirName(sessionId)}.json`;
}

/** Longest a status read or write may take by default, whatever S3 does (a trickle is never idle). */
export const STORE_DEADLINE_MS = 90_000;
/** Largest status document read back (characters); larger ones are not trusted. */
const MAX_STATUS_CHARS = 64 * 1024 * 1024;

export class RunStatusStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly deadlineMs = STORE_DEADLINE_MS,
  ) {}

  /** Store the session's latest run (replacing the previous one); gives up after the deadline (default {@link STORE_DEADLINE_MS}). */
  async save(state: RunState): Promise<void> {
    await this.s3.send(new PutObjectCommand({
      Bucket: this.bucket,
      Key: runStatusKey(state.runtime_session_id),
      Body: JSON.stringify(state),
      ContentType: 'application/json',
    }), { abortSignal: AbortSignal.timeout(this.deadlineMs) });
  }

  /**
   * The session's latest stored run, or undefined when none was stored. The object is untrusted
   * (anyone with write access to the bucket): it is returned only when it parses as an object
   * naming this very session.
   */
  async load(sessionId: string): Promise<RunState | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: runStatusKey(sessionId) }), { abortSignal: AbortSignal.timeout(this.deadlineMs) });
      const text = await object.Body!.transformToString();
      if (text.length > MAX_STATUS_CHARS) return undefined;
      const state = JSON.parse(text) as RunState;
      return state && typeof state === 'object' && state.runtime_session_id === sessionId ? state : undefined;
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (error instanceof NoSuchKey || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404 || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }
}
