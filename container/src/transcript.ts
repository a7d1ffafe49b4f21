/**
 * `transcript.jsonl`: the full SDK message stream of one invocation, one JSON object per line
 * (`{"ts": ISO-8601, "message": <SDK message>}`), with secrets redacted (see redact.ts). It is
 * written next to the invocation's outputs: locally in the session's state dir, and uploaded to
 * `s3://<bucket>/outputs/<prefix>/transcript.jsonl` with the outputs.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Redactor } from './redact.js';

/** File name of the transcript in an invocation's outputs. */
export const TRANSCRIPT_FILE = 'transcript.jsonl';

export class TranscriptWriter {
  private stream: WriteStream | undefined;
  private lines = 0;
  private failure: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly redact: Redactor,
  ) {}

  /** Open (truncate) the transcript file at `path`, creating its directory. */
  static async open(path: string, redact: Redactor): Promise<TranscriptWriter> {
    await mkdir(dirname(path), { recursive: true });
    const writer = new TranscriptWriter(path, redact);
    writer.stream = createWriteStream(path, { flags: 'w', mode: 0o600 });
    // A failing disk must not crash the server: the error surfaces when the transcript is closed.
    writer.stream.on('error', (error) => (writer.failure = error));
    return writer;
  }

  /** Append one SDK message (or any JSON-serializable event). */
  write(message: unknown): void {
    const line = this.redact(JSON.stringify({ ts: new Date().toISOString(), message }));
    this.stream?.write(`${line}\n`);
    this.lines += 1;
  }

  get lineCount(): number {
    return this.lines;
  }

  /** Flush and close; resolves once every line is on disk. */
  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    if (this.failure || stream.destroyed) throw this.failure ?? new Error('transcript stream closed');
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
