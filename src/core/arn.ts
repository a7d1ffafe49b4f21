/**
 * The ARNs the CLI reads, parsed with the AWS SDK's own `@aws-sdk/util-arn-parser`
 * (`arn:<partition>:<service>:<region>:<account>:<resource>`) and then checked against the owning
 * service's format. Pure.
 */
import { parse, validate } from '@aws-sdk/util-arn-parser';

/** The parts of an AgentCore runtime ARN. */
export interface RuntimeArn {
  partition: string;
  region: string;
  accountId: string;
  /** The `agentRuntimeId` (GetAgentRuntime's identifier), e.g. `my_agent-AbC1234567`. */
  runtimeId: string;
}

/** The parts of a Secrets Manager secret ARN. */
export interface SecretArn {
  partition: string;
  region: string;
  accountId: string;
  /** The secret's name with Secrets Manager's random suffix, e.g. `github-token-AbCdEf`. */
  name: string;
}

const ACCOUNT = /^\d{12}$/;
/** The secret part of `SecretArn` in the service model (botocore `bedrock-agentcore` `SecretArn` pattern). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;

/**
 * Read an AgentCore runtime ARN: `arn:aws:bedrock-agentcore:<region>:<account>:runtime/<runtime id>`
 * (as `CreateAgentRuntime` returns it; moto answers `agent/<id>`, so any `<type>/<id>` resource is read).
 * @returns undefined when `arn` is not one.
 */
export function parseRuntimeArn(arn: string): RuntimeArn | undefined {
  if (!validate(arn)) return undefined;
  const { partition, service, region, accountId, resource } = parse(arn);
  const slash = resource.indexOf('/');
  const runtimeId = resource.slice(slash + 1);
  if (service !== 'bedrock-agentcore' || !region || !ACCOUNT.test(accountId) || slash < 1 || !runtimeId || runtimeId.includes('/')) return undefined;
  return { partition, region, accountId, runtimeId };
}

/**
 * Read a Secrets Manager secret ARN: `arn:aws:secretsmanager:<region>:<account>:secret:<name>`.
 * @returns undefined when `arn` is not one.
 */
export function parseSecretArn(arn: string): SecretArn | undefined {
  if (!validate(arn)) return undefined;
  const { partition, service, region, accountId, resource } = parse(arn);
  const [type, ...rest] = resource.split(':');
  const name = rest.join(':');
  if (service !== 'secretsmanager' || !region || !ACCOUNT.test(accountId) || type !== 'secret' || !SECRET_NAME.test(name)) return undefined;
  return { partition, region, accountId, name };
}
