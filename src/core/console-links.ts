/**
 * AWS console URLs for the resources of a deployment (shown by `info`). Pure.
 */

/**
 * The runtime's CloudWatch log group: AgentCore Runtime writes to
 * `/aws/bedrock-agentcore/runtimes/<runtime id>-<endpoint name>`; the endpoint is `DEFAULT`.
 */
export function runtimeLogGroup(runtimeId: string, endpoint = 'DEFAULT'): string {
  return `/aws/bedrock-agentcore/runtimes/${runtimeId}-${endpoint}`;
}

/** The repository name of an ECR URI `<account>.dkr.ecr.<region>.amazonaws.com/<name>[:tag]`. */
export function repositoryNameFromUri(uri: string): string {
  const path = uri.slice(uri.indexOf('/') + 1);
  return path.replace(/[:@].*$/, '');
}

export interface ConsoleLinkInput {
  region: string;
  account?: string;
  runtimeId?: string;
  stackId?: string;
  stackName?: string;
  bucket?: string;
  repositoryUri?: string;
  logGroup?: string;
}

/** Console links for each resource known in `input` (absent ones are left out). */
export function consoleLinks(input: ConsoleLinkInput): Record<string, string> {
  const { region } = input;
  const base = `https://${region}.console.aws.amazon.com`;
  const links: Record<string, string> = {};
  if (input.runtimeId) links.runtime = `${base}/bedrock-agentcore/agents/${encodeURIComponent(input.runtimeId)}?region=${region}`;
  if (input.stackId || input.stackName) {
    const id = encodeURIComponent(input.stackId ?? input.stackName!);
    links.stack = `${base}/cloudformation/home?region=${region}#/stacks/stackinfo?stackId=${id}`;
  }
  if (input.bucket) links.bucket = `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(input.bucket)}?region=${region}`;
  if (input.repositoryUri) {
    const account = input.account ?? input.repositoryUri.split('.')[0];
    links.repository = `${base}/ecr/repositories/private/${account}/${repositoryNameFromUri(input.repositoryUri)}?region=${region}`;
  }
  if (input.logGroup) {
    // The CloudWatch console double-encodes the group name and writes '%' as '$'.
    const encoded = encodeURIComponent(encodeURIComponent(input.logGroup)).replace(/%/g, '$');
    links.logs = `${base}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encoded}`;
  }
  return links;
}
