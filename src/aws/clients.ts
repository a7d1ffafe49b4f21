/**
 * The one place AWS SDK clients are made (after aws-cdk-cli's sdk.ts): same region, credentials,
 * retry policy and middleware for every service. Clients are created lazily, on first use.
 *
 * - Credentials: each client's default provider chain (the chain `fromNodeProviderChain` builds:
 *   env, SSO, profiles, web identity, ECS/EC2 metadata), with `--profile` (client `profile`) when given.
 * - Retries: `adaptive` mode (client-side rate limiting on throttling), 5 attempts.
 * - Endpoints: the SDK honours `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` (used by tests
 *   against moto_server).
 */
import { createRequire } from 'node:module';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

// Startup time: each SDK client package costs 50–150 ms to load, so a client's package is loaded
// on first use only. The packages have no `exports` map, so ESM `import` elsewhere and this
// `require` share one CommonJS module instance (no double loading).
const require = createRequire(import.meta.url);

export interface AwsClientOptions {
  region: string;
  /** Named profile from ~/.aws/config; default: the chain's own choice (AWS_PROFILE or default). */
  profile?: string;
  /** Override credentials (tests). Default: the Node default provider chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** Max attempts per call, including the first; default 5. */
  maxAttempts?: number;
  /** Called once per SDK call (service id, command name): used by benchmarks to count API calls. */
  onCall?: (service: string, command: string) => void;
}

type Client = { middlewareStack: { add: (mw: any, opts: any) => void } };

/** Lazily created, shared AWS SDK clients for one region/profile. */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  /**
   * Credentials: `options.credentials` when given, else each client's own default provider
   * chain (the same chain as `fromNodeProviderChain`), reading `options.profile` when set.
   */
  constructor(readonly options: AwsClientOptions) {}

  get region(): string {
    return this.options.region;
  }

  sts(): STSClient {
    return this.make('sts', () => require('@aws-sdk/client-sts').STSClient);
  }
  cloudFormation(): CloudFormationClient {
    return this.make('cloudformation', () => require('@aws-sdk/client-cloudformation').CloudFormationClient);
  }
  ecr(): ECRClient {
    return this.make('ecr', () => require('@aws-sdk/client-ecr').ECRClient);
  }
  s3(): S3Client {
    return this.make('s3', () => require('@aws-sdk/client-s3').S3Client);
  }
  /** AgentCore control plane (CreateAgentRuntime, GetAgentRuntime, …). */
  agentCoreControl(): BedrockAgentCoreControlClient {
    return this.make('bedrock-agentcore-control', () => require('@aws-sdk/client-bedrock-agentcore-control').BedrockAgentCoreControlClient);
  }
  /** AgentCore data plane (InvokeAgentRuntime). No client-side timeout: agent runs take minutes. */
  agentCore(): BedrockAgentCoreClient {
    return this.make('bedrock-agentcore', () => require('@aws-sdk/client-bedrock-agentcore').BedrockAgentCoreClient);
  }
  apiGateway(): APIGatewayClient {
    return this.make('apigateway', () => require('@aws-sdk/client-api-gateway').APIGatewayClient);
  }
  logs(): CloudWatchLogsClient {
    return this.make('logs', () => require('@aws-sdk/client-cloudwatch-logs').CloudWatchLogsClient);
  }
  /** CodeBuild (StartBuild, BatchGetBuilds) for `deploy --build codebuild`. */
  codeBuild(): CodeBuildClient {
    return this.make('codebuild', () => require('@aws-sdk/client-codebuild').CodeBuildClient);
  }

  private make<T>(key: string, load: () => new (config: any) => T): T {
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      const Ctor = load();
      client = new Ctor({
        region: this.options.region,
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
        ...(this.options.profile ? { profile: this.options.profile } : {}),
        retryMode: 'adaptive',
        maxAttempts: this.options.maxAttempts ?? 5,
      });
      const onCall = this.options.onCall;
      if (onCall) {
        (client as unknown as Client).middlewareStack.add(
          (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
            onCall(key, context.commandName ?? 'unknown');
            return next(args);
          },
          { step: 'initialize', name: 'agentcoreClaudeCallCounter' },
        );
      }
      this.cache.set(key, client);
    }
    return client;
  }
}
