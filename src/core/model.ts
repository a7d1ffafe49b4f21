/**
 * The Bedrock model a deployment runs with: the protocol's region → inference profile table
 * (`@agentcore-claude/protocol` models.ts, with its AWS documentation sources), shared with `dev`
 * and the agent server. Every Bedrock region gets a profile (`global.` where no geographic one
 * serves it).
 */
export { DEFAULT_MODEL, inferenceProfileId, modelPinEnvironment, resolveModelId } from '@agentcore-claude/protocol';
