/**
 * The one place AWS SDK clients are made (after aws-cdk-cli's sdk.ts): same region, credentials,
 * retry policy and middleware for every service. Clients are created lazily, on first use.
 *
 * - Credentials: the SDK's default provider chain (`fromNodeProviderChain`: env, SSO, profiles,
 *   web identity, ECS/EC2 metadata), with `--profile` when given.
 * - Retries: `adaptive` mode (client-side rate limiting on throttling), 5 attempts.
 * - Endpoints: the SDK honours `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` (used by tests
 *   against moto_server).
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

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
  private readonly credentials: AwsCredentialIdentityProvider;

  constructor(readonly options: AwsClientOptions) {
    this.credentials = options.credentials ?? fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
  }

  get region(): string {
    return this.options.region;
  }

  sts(): STSClient {
    return this.make('sts', STSClient);
  }
  cloudFormation(): CloudFormationClient {
    return this.make('cloudformation', CloudFormationClient);
  }
  ecr(): ECRClient {
    return this.make('ecr', ECRClient);
  }
  s3(): S3Client {
    return this.make('s3', S3Client);
  }
  /** AgentCore control plane (CreateAgentRuntime, GetAgentRuntime, …). */
  agentCoreControl(): BedrockAgentCoreControlClient {
    return this.make('bedrock-agentcore-control', BedrockAgentCoreControlClient);
  }
  /** AgentCore data plane (InvokeAgentRuntime). No client-side timeout: agent runs take minutes. */
  agentCore(): BedrockAgentCoreClient {
    return this.make('bedrock-agentcore', BedrockAgentCoreClient);
  }
  apiGateway(): APIGatewayClient {
    return this.make('apigateway', APIGatewayClient);
  }
  logs(): CloudWatchLogsClient {
    return this.make('logs', CloudWatchLogsClient);
  }

  private make<T>(key: string, Ctor: new (config: any) => T): T {
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      client = new Ctor({
        region: this.options.region,
        credentials: this.credentials,
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
