/**
 * The deployment state file `deployment.json`, written by `deploy` and read by every other
 * command (flags override it). Schema only; reading/writing lives in `src/io/state-file.ts`.
 */
import { z } from 'zod';

/** Default path of the state file, relative to the current directory. */
export const STATE_FILE_NAME = 'deployment.json';

export const deploymentStateSchema = z.object({
  /** Schema version of this file. */
  version: z.literal(1),
  name: z.string(),
  region: z.string(),
  account: z.string(),
  stackName: z.string(),
  bucket: z.string(),
  repositoryUri: z.string(),
  roleArn: z.string(),
  imageTag: z.string(),
  imageUri: z.string(),
  model: z.string(),
  runtime: z.object({
    name: z.string(),
    id: z.string(),
    arn: z.string(),
    version: z.string(),
  }),
  api: z
    .object({
      endpoint: z.string(),
      keyId: z.string().optional(),
    })
    .optional(),
  /** What the runtime runs: the container image, or a code zip (`location` is its s3:// URL). Absent in files written before `--artifact`: container. */
  artifact: z
    .object({
      type: z.enum(['container', 'code']),
      tag: z.string(),
      location: z.string(),
    })
    .optional(),
  /** Secrets Manager secret with the Git token the agent pushes with (deploy --git-token-secret). */
  gitTokenSecretArn: z.string().optional(),
  lifecycle: z
    .object({
      idleRuntimeSessionTimeout: z.number().optional(),
      maxLifetime: z.number().optional(),
    })
    .optional(),
  /** ISO-8601 timestamps. */
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DeploymentState = z.infer<typeof deploymentStateSchema>;
