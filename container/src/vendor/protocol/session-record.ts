// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * The record of a saved runtime session, `sessions/<name>.json` in the output bucket (s3-layout.ts):
 * what `agentcore-claude sessions` lists, and the commit point of a save (its `archive` manifest
 * names the archives that make up the state). Written by the agent server; anything read back
 * from S3 is untrusted and parsed with these schemas.
 */
import { z } from 'zod';

/** One archive of a session's chain. Sizes are what the save wrote (a restore re-checks them). */
export const archiveInfoSchema = z.object({
  key: z.string(),
  /** Entries (files, directories, links). */
  entries: z.number(),
  /** Regular-file bytes. */
  bytes: z.number(),
  /** Size of the `.tar.gz`. */
  compressed: z.number(),
});
export type ArchiveInfo = z.infer<typeof archiveInfoSchema>;

/** The archives that make up a saved session: the base, then deltas in order. */
export const archiveManifestSchema = z.object({
  format: z.literal(1),
  /** Random token the base archive carries as metadata `generation`. */
  generation: z.string(),
  base: archiveInfoSchema,
  /** Each with the paths (files or whole directories) deleted before it is applied. */
  deltas: z.array(archiveInfoSchema.extend({ deleted: z.array(z.string()) })),
});
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;

/** A file a save left out (over a limit, or sparse), and why. */
export const skippedFileSchema = z.object({ path: z.string(), size: z.number(), reason: z.string() });
export type SkippedFile = z.infer<typeof skippedFileSchema>;

/** The JSON record kept beside each session archive. Unknown fields are dropped. */
export const sessionRecordSchema = z.object({
  runtime_session_id: z.string(),
  claude_session_id: z.string().optional(),
  /** ISO-8601 UTC. */
  created_at: z.string(),
  updated_at: z.string(),
  /** Regular files in the saved state (workspace + Claude config). */
  file_count: z.number(),
  /** First prompt of the session, truncated to 500 characters. */
  first_prompt: z.string(),
  last_prompt: z.string(),
  invocations: z.number(),
  /** Estimated cost of the session's invocations, summed (US dollars; SDK `total_cost_usd` of each). */
  total_cost_usd: z.number().optional(),
  /**
   * Where the session's files live between invocations: `s3` (the archive, saved after every
   * invocation) or `session-storage` (AgentCore managed session storage; the archive, if any, is the
   * last `sessions export`).
   */
  storage: z.enum(['s3', 'session-storage']).optional(),
  /** The archive chain (absent in records written before incremental saves: base only). */
  archive: archiveManifestSchema.optional(),
  /** Files the last save left out, at most 50 listed; `skipped_count` is the total. */
  skipped_files: z.array(skippedFileSchema).optional(),
  skipped_count: z.number().optional(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

/**
 * What `agentcore-claude sessions` lists of a record: its identity, times, counts and prompts
 * (`last_prompt` and `invocations` are absent in the oldest records).
 */
export const sessionSummarySchema = sessionRecordSchema
  .pick({ runtime_session_id: true, claude_session_id: true, created_at: true, updated_at: true, file_count: true, first_prompt: true, last_prompt: true, invocations: true, total_cost_usd: true, storage: true })
  .partial({ last_prompt: true, invocations: true });
export type SessionSummary = z.infer<typeof sessionSummarySchema>;
