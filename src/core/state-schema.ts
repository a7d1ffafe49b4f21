/**
 * The schema of the project state file (see `state.ts`): zod, loaded only when a state file is
 * read, so commands run where none exists never load zod (start-up time, issue 10).
 */
import { z } from 'zod';

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

/** The state file: every deployment of the project, in the order they were first made. */
export const stateFileSchema = z.object({
  /** Schema version of this file (the old one-agent `deployment.json` was a record with `version: 1`). */
  version: z.literal(2),
  deployments: z.array(deploymentStateSchema),
});
export type StateFile = z.infer<typeof stateFileSchema>;
