/** The agent server's own model choice (container/src/model-access.ts), for tests comparing it with deploy's. */
import { detectModelAccess } from '../../container/src/model-access.js';

/** The model the agent server runs with on Bedrock in `region` when ANTHROPIC_MODEL is unset. */
export function defaultBedrockModelForServer(region: string): string {
  const access = detectModelAccess({ CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: region });
  if (access.kind !== 'bedrock') throw new Error(`expected Bedrock access, got ${access.kind}`);
  return access.model;
}
