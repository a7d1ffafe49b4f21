/**
 * `info`: what is deployed and its live status — runtime (GetAgentRuntime), stack
 * (DescribeStacks), bucket, image, API endpoint, log group, console links. Never prints secrets
 * (no API key values, no runtime environment variables).
 */
import { runtimeStatus, type SessionPersistence } from '../aws/runtime.js';
import { consoleLinks, runtimeLogGroup } from '../core/console-links.js';
import { liveStack, requireDeployment, runtimeIdOf, stackNameOf, stateMatches, STACK_OUTPUTS, type OpsContext } from './target.js';

/** Status shown for a resource AWS no longer has. */
export const NOT_FOUND = 'NOT_FOUND';

/** What `info` reports; `info --json` prints it with snake_case keys (a contract: fields are only added, never renamed). */
export interface InfoResult {
  name: string;
  region: string;
  account?: string;
  model?: string;
  stateFile: string | null;
  runtime: {
    name?: string;
    id?: string;
    arn?: string;
    /** Live status (`READY`, `CREATING`, `UPDATING`, `*_FAILED`, …) or `NOT_FOUND`. */
    status: string;
    version?: string;
    imageUri?: string;
    /**
     * What the runtime runs: `container` (the image) or `code` (a zip on the managed Node.js
     * runtime), where it lives, and whether repository workspaces (`invoke --repo`) work there
     * (the managed runtime has no git).
     */
    artifact?: { type: 'container' | 'code'; location?: string; repoWorkspaces: boolean };
    failureReason?: string;
    lifecycle?: { idleRuntimeSessionTimeout?: number; maxLifetime?: number };
    /** How sessions persist between invocations (from the live runtime; absent when it is gone). */
    persistence?: SessionPersistence;
    /** Default budget per run in US dollars (`deploy --max-budget-usd`); absent: none. */
    maxBudgetUsd?: number;
  };
  stack: { name: string; id?: string; status: string; statusReason?: string };
  bucket?: string;
  repositoryUri?: string;
  api?: { endpoint: string; keyId?: string };
  logGroup?: string;
  console: Record<string, string>;
  updatedAt?: string;
}

/**
 * Gather the live information. A runtime or stack that no longer exists is reported with
 * status `NOT_FOUND` (not an error).
 * @throws UsageError when no deployment is recorded or selected and no target flag is given.
 */
export async function gatherInfo(ctx: OpsContext): Promise<InfoResult> {
  requireDeployment(ctx);
  const aws = ctx.aws();
  const state = stateMatches(ctx) ? ctx.state : undefined;
  const [stack, runtimeId] = await Promise.all([liveStack(ctx), runtimeIdOf(ctx)]);
  const runtime = runtimeId ? await runtimeStatus(aws, runtimeId) : undefined;
  const outputs = stack?.outputs ?? {};
  const bucket = outputs[STACK_OUTPUTS.bucket] ?? state?.bucket;
  const repositoryUri = outputs[STACK_OUTPUTS.repositoryUri] ?? state?.repositoryUri;
  const api = apiOf(outputs) ?? state?.api;
  const id = runtime?.id ?? runtimeId;
  const logGroup = id ? runtimeLogGroup(id) : undefined;
  const region = aws.region;
  return {
    name: state?.name ?? ctx.config.name,
    region,
    account: state?.account,
    model: state?.model ?? ctx.config.model,
    stateFile: state ? ctx.statePath : null,
    runtime: {
      name: runtime?.name ?? state?.runtime.name,
      id,
      arn: runtime?.arn ?? state?.runtime.arn,
      status: runtime?.status ?? NOT_FOUND,
      version: runtime?.version ?? state?.runtime.version,
      imageUri: runtime?.containerUri ?? (state?.imageUri || undefined),
      artifact: artifactOf(runtime, state),
      failureReason: runtime?.failureReason,
      lifecycle: runtime?.lifecycle ?? state?.lifecycle,
      persistence: runtime?.persistence,
      maxBudgetUsd: runtime?.maxBudgetUsd,
    },
    stack: { name: stackNameOf(ctx), id: stack?.stackId, status: stack?.status ?? NOT_FOUND, statusReason: stack?.statusReason },
    bucket,
    repositoryUri,
    api,
    logGroup,
    console: consoleLinks({
      region,
      account: state?.account,
      runtimeId: runtime ? id : undefined,
      stackId: stack?.stackId,
      stackName: stack ? stackNameOf(ctx) : undefined,
      bucket,
      repositoryUri,
      logGroup,
    }),
    updatedAt: state?.updatedAt,
  };
}

function artifactOf(runtime: { containerUri?: string; codeLocation?: string } | undefined, state: { imageUri: string; artifact?: { type: 'container' | 'code'; location: string } } | undefined): NonNullable<InfoResult['runtime']['artifact']> | undefined {
  if (runtime?.codeLocation) return { type: 'code', location: runtime.codeLocation, repoWorkspaces: false };
  if (runtime?.containerUri) return { type: 'container', location: runtime.containerUri, repoWorkspaces: true };
  if (state?.artifact) return { type: state.artifact.type, location: state.artifact.location || undefined, repoWorkspaces: state.artifact.type === 'container' };
  if (state?.imageUri) return { type: 'container', location: state.imageUri, repoWorkspaces: true };
  return undefined;
}

/** The HTTP API (`deploy --with-api`) from the stack outputs: endpoint and key id (never the key value). */
function apiOf(outputs: Record<string, string>): InfoResult['api'] {
  const endpoint = outputs[STACK_OUTPUTS.apiEndpoint];
  if (!endpoint) return undefined;
  return { endpoint, keyId: outputs[STACK_OUTPUTS.apiKeyId] };
}

/** Human-readable lines (`label: value`) for stdout. */
export function formatInfo(info: InfoResult): string[] {
  const rows: Array<[string, string | undefined]> = [
    ['Agent', info.name],
    ['Region', info.region],
    ['Account', info.account],
    ['Model', info.model],
    ['Runtime name', info.runtime.name],
    ['Runtime id', info.runtime.id],
    ['Runtime ARN', info.runtime.arn],
    ['Runtime status', info.runtime.status === NOT_FOUND ? 'NOT FOUND (deleted? run `agentcore-claude deploy`)' : info.runtime.status],
    ['Failure reason', info.runtime.failureReason],
    ['Runtime version', info.runtime.version],
    ['Artifact', info.runtime.artifact ? `${info.runtime.artifact.type}${info.runtime.artifact.type === 'code' ? ` (managed Node.js 22 runtime: ${info.runtime.artifact.location ?? 'zip'})` : ''}` : undefined],
    ['Image', info.runtime.imageUri],
    ['Repo workspaces', info.runtime.artifact ? (info.runtime.artifact.repoWorkspaces ? 'yes (invoke --repo)' : 'no: the managed runtime has no git (deploy --artifact container for invoke --repo)') : undefined],
    ['Sessions', persistenceLine(info.runtime.persistence)],
    ['Budget per run', info.runtime.maxBudgetUsd !== undefined ? `$${info.runtime.maxBudgetUsd} (invoke --max-budget-usd overrides)` : info.runtime.persistence ? 'none (deploy --max-budget-usd sets one)' : undefined],
    ['Idle timeout', seconds(info.runtime.lifecycle?.idleRuntimeSessionTimeout)],
    ['Max lifetime', seconds(info.runtime.lifecycle?.maxLifetime)],
    ['Stack', info.stack.name],
    ['Stack status', info.stack.status === NOT_FOUND ? 'NOT FOUND (deleted?)' : info.stack.status],
    ['Output bucket', info.bucket ? `s3://${info.bucket}/outputs/` : undefined],
    ['ECR repository', info.repositoryUri],
    ['API endpoint', info.api?.endpoint],
    ['API key id', info.api?.keyId ? `${info.api.keyId} (value: agentcore-claude api-key)` : undefined],
    ['Log group', info.logGroup],
    ['State file', info.stateFile ?? '(none: read from AWS)'],
  ];
  for (const [what, url] of Object.entries(info.console)) rows.push([`Console (${what})`, url]);
  const width = Math.max(...rows.filter(([, v]) => v).map(([k]) => k.length));
  return rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`);
}

function seconds(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${value} s`;
}

function persistenceLine(persistence: SessionPersistence | undefined): string | undefined {
  if (!persistence) return undefined;
  if (persistence.mode === 'session-storage') {
    return `AgentCore session storage at ${persistence.mountPath} (reset after 14 idle days and by a new runtime version; \`sessions export\` saves one to S3)`;
  }
  return 'S3 archive after every invocation (deploy --session-storage keeps them on AgentCore session storage)';
}
