import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/core/template.js';
import { CODE_KEY_PREFIX } from '../../src/core/code-artifact.js';
import { BUILD_CONTEXT_PREFIX } from '../../src/core/codebuild.js';
import { BRIDGE_KEY_PREFIX } from '../../src/engine/bridge-package.js';

const text = readFileSync(new URL('../../templates/infrastructure.yaml', import.meta.url), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const template = parseTemplate(text) as any;

describe('templates/infrastructure.yaml', () => {
  it('declares the parameters and condition the CLI and the HTTP API rely on', () => {
    expect(template.Parameters.EnableApi).toMatchObject({ AllowedValues: ['true', 'false'], Default: 'false' });
    expect(template.Parameters.AgentRuntimeArn.Default).toBe('');
    expect(template.Parameters.RepositoryName.Type).toBe('String');
    expect(template.Conditions.CreateApi).toEqual({ 'Fn::Equals': [{ Ref: 'EnableApi' }, 'true'] });
  });

  it('outputs bucket, repository and role', () => {
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['OutputBucketName', 'EcrRepositoryUri', 'EcrRepositoryName', 'ExecutionRoleArn']));
    expect(template.Outputs.EcrRepositoryUri.Value).toEqual({ 'Fn::GetAtt': ['EcrRepository', 'RepositoryUri'] });
    expect(template.Outputs.ExecutionRoleArn.Value).toEqual({ 'Fn::GetAtt': ['AgentCoreExecutionRole', 'Arn'] });
  });

  it('every !Ref / !GetAtt names a declared resource, parameter or pseudo parameter', () => {
    const known = new Set([...Object.keys(template.Resources), ...Object.keys(template.Parameters)]);
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'Ref') refs.push(String(value));
          else if (key === 'Fn::GetAtt') refs.push(String((value as string[])[0]));
          else if (key === 'Fn::Sub' && typeof value === 'string') {
            for (const match of value.matchAll(/\$\{([^}.!]+)[^}]*\}/g)) refs.push(match[1]!);
          }
          walk(value);
        }
      }
    };
    walk(template.Resources);
    walk(template.Outputs);
    const unknown = refs.filter((ref) => !ref.startsWith('AWS::') && !known.has(ref));
    expect(refs.length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('blocks public access, encrypts and enforces TLS on the output bucket', () => {
    const bucket = template.Resources.OutputBucket.Properties;
    expect(bucket.VersioningConfiguration.Status).toBe('Enabled');
    expect(bucket.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
    // Run data expires; deployed artifacts (code/, lambda/) never do while current, only their replaced versions.
    const rules = bucket.LifecycleConfiguration.Rules as Array<{ Prefix?: string; ExpirationInDays?: number; NoncurrentVersionExpiration?: { NoncurrentDays: number } }>;
    expect(rules.filter((r) => r.ExpirationInDays !== undefined).map((r) => [r.Prefix, r.ExpirationInDays])).toEqual([
      ['outputs/', 30],
      ['sessions/', 30],
      ['runs/', 30],
      ['image-context/', 30],
    ]);
    expect(rules.filter((r) => r.Prefix === undefined).map((r) => [r.ExpirationInDays, r.NoncurrentVersionExpiration?.NoncurrentDays])).toEqual([[undefined, 30]]);
    expect(Object.values(bucket.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toHaveLength(1);
    const deny = template.Resources.OutputBucketPolicy.Properties.PolicyDocument.Statement[0];
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('keeps the last 5 images and scans on push', () => {
    const repo = template.Resources.EcrRepository.Properties;
    expect(repo.ImageScanningConfiguration.ScanOnPush).toBe(true);
    expect(JSON.parse(repo.LifecyclePolicy.LifecyclePolicyText).rules[0].selection.countNumber).toBe(5);
  });

  it('lets only AgentCore of this account assume the role, with the permissions the agent needs', () => {
    const role = template.Resources.AgentCoreExecutionRole.Properties;
    const trust = role.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Principal.Service).toBe('bedrock-agentcore.amazonaws.com');
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(trust.Condition.ArnLike['aws:SourceArn']).toBeDefined();
    const all = role.Policies[0].PolicyDocument.Statement as Array<Record<string, unknown>>;
    // The Git token statement exists only with deploy --git-token-secret (Fn::If … AWS::NoValue).
    const conditional = all.filter((s) => 'Fn::If' in s);
    expect(conditional).toEqual([
      { 'Fn::If': ['HasGitTokenSecret', { Sid: 'GitTokenSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'GitTokenSecretArn' } }, { Ref: 'AWS::NoValue' }] },
    ]);
    const statements = all.filter((s) => !('Fn::If' in s)) as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>;
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(
      expect.arrayContaining([
        'ecr:BatchGetImage',
        'ecr:GetAuthorizationToken',
        'logs:PutLogEvents',
        'xray:PutTraceSegments',
        'cloudwatch:PutMetricData',
        'bedrock-agentcore:GetWorkloadAccessToken',
        'bedrock:InvokeModel',
        'bedrock:InvokeModelWithResponseStream',
        'aws-marketplace:ViewSubscriptions',
        'aws-marketplace:Subscribe',
        's3:PutObject',
      ]),
    );
    const metrics = statements.find((s) => s.Action === 'cloudwatch:PutMetricData');
    expect(metrics?.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'bedrock-agentcore' } });
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    for (const statement of s3) expect(JSON.stringify(statement.Resource)).toContain('OutputBucket');
  });

  it('denies the agent (untrusted) writing or deleting what deploy runs as code: the code package, the Lambda bridge, the image build context', () => {
    // The agent may write outputs/, sessions/, runs/ anywhere in the bucket, but deploy reuses an
    // existing object at a content-addressed key (HeadObject, its current version): an agent that
    // overwrote lambda/api-bridge-<tag>.zip would have its code run by the next deploy's Lambda.
    const all = template.Resources.AgentCoreExecutionRole.Properties.Policies[0].PolicyDocument.Statement as Array<Record<string, unknown>>;
    const denies = all.filter((s) => s.Effect === 'Deny') as Array<{ Action: string | string[]; Resource: unknown }>;
    const denied = (action: string, prefix: string) =>
      denies.some((s) => [s.Action].flat().includes(action) && [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify({ 'Fn::Sub': `\${OutputBucket.Arn}/${prefix}*` })));
    const prefixes = [CODE_KEY_PREFIX, BRIDGE_KEY_PREFIX.slice(0, BRIDGE_KEY_PREFIX.indexOf('/') + 1), BUILD_CONTEXT_PREFIX];
    expect(prefixes).toEqual(['code/', 'lambda/', 'image-context/']);
    for (const prefix of prefixes) {
      for (const action of ['s3:PutObject', 's3:DeleteObject']) expect(denied(action, prefix), `${action} on ${prefix}*`).toBe(true);
    }
    // Nor read the uploaded build context: files the image never copies (an .env) are in it.
    expect(denied('s3:GetObject', BUILD_CONTEXT_PREFIX)).toBe(true);
    expect(denied('s3:GetObject', 'outputs/')).toBe(false);
  });

  it('ends Resources and Outputs with the HTTP API marker comments', () => {
    const resourcesMarker = text.indexOf('# --- HTTP API (deploy --with-api): resources with Condition CreateApi below ---');
    const outputsMarker = text.indexOf('# --- HTTP API outputs below ---');
    expect(resourcesMarker).toBeGreaterThan(text.indexOf('AgentCoreExecutionRole:'));
    expect(resourcesMarker).toBeLessThan(text.indexOf('\nOutputs:'));
    expect(outputsMarker).toBeGreaterThan(text.indexOf('ExecutionRoleArn:'));
  });
});

describe('templates/infrastructure.yaml — HTTP API (Condition CreateApi)', () => {
  const api = Object.entries(template.Resources as Record<string, { Type: string; Condition?: string; Properties: any }>).filter(([id]) => id.startsWith('Api'));

  it('creates every HTTP API resource and output only when EnableApi is true', () => {
    expect(api.map(([, r]) => r.Type)).toEqual(
      expect.arrayContaining([
        'AWS::ApiGateway::RestApi',
        'AWS::ApiGateway::Resource',
        'AWS::ApiGateway::Method',
        'AWS::ApiGateway::Deployment',
        'AWS::ApiGateway::Stage',
        'AWS::ApiGateway::ApiKey',
        'AWS::ApiGateway::UsagePlan',
        'AWS::ApiGateway::UsagePlanKey',
        'AWS::Lambda::Function',
        'AWS::Lambda::Permission',
        'AWS::IAM::Role',
      ]),
    );
    for (const [id, resource] of api) expect(resource.Condition, id).toBe('CreateApi');
    expect(template.Outputs.ApiEndpoint.Condition).toBe('CreateApi');
    expect(template.Outputs.ApiKeyId).toEqual(expect.objectContaining({ Condition: 'CreateApi', Value: { Ref: 'ApiKey' } }));
  });

  it('requires an API key on POST /invoke, proxies to the bridge, and answers the CORS preflight without a key', () => {
    const post = template.Resources.ApiInvokePost.Properties;
    expect(post).toMatchObject({ HttpMethod: 'POST', ApiKeyRequired: true, Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', TimeoutInMillis: { Ref: 'ApiIntegrationTimeoutMs' } } });
    expect(template.Resources.ApiInvokeResource.Properties.PathPart).toBe('invoke');
    expect(template.Resources.ApiInvokeOptions.Properties).toMatchObject({ HttpMethod: 'OPTIONS', ApiKeyRequired: false });
    expect(template.Resources.ApiStage.Properties.StageName).toBe('prod');
    expect(template.Parameters.ApiIntegrationTimeoutMs.Default).toBe(29000);
  });

  it('throttles with a usage plan of 10 requests/s, burst 20, 1,000 a day (parameters)', () => {
    const plan = template.Resources.ApiUsagePlan.Properties;
    expect(plan.Throttle).toEqual({ RateLimit: { Ref: 'ApiRateLimit' }, BurstLimit: { Ref: 'ApiBurstLimit' } });
    expect(plan.Quota).toEqual({ Limit: { Ref: 'ApiDailyQuota' }, Period: 'DAY' });
    expect([template.Parameters.ApiRateLimit.Default, template.Parameters.ApiBurstLimit.Default, template.Parameters.ApiDailyQuota.Default]).toEqual([10, 20, 1000]);
    expect(template.Resources.ApiUsagePlanKey.Properties).toMatchObject({ KeyId: { Ref: 'ApiKey' }, KeyType: 'API_KEY' });
  });

  it('runs the bridge on nodejs22.x for up to 900 s with 512 MB, its code a zip in the stack bucket and the runtime ARN in its environment', () => {
    const fn = template.Resources.ApiBridgeFunction.Properties;
    expect(fn).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x', Timeout: 900, MemorySize: 512 });
    expect(fn.Code).toEqual({
      'Fn::If': [
        'HasApiBridgeCodeKey',
        {
          S3Bucket: { Ref: 'OutputBucket' },
          S3Key: { Ref: 'ApiBridgeCodeKey' },
          S3ObjectVersion: { 'Fn::If': ['HasApiBridgeCodeVersion', { Ref: 'ApiBridgeCodeVersion' }, { Ref: 'AWS::NoValue' }] },
        },
        // A stack deployed with inline code keeps it until deploy --with-api moves it to S3.
        { ZipFile: { Ref: 'ApiBridgeCode' } },
      ],
    });
    expect(template.Conditions.HasApiBridgeCodeKey).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ApiBridgeCodeKey' }, ''] }] });
    expect(template.Conditions.HasApiBridgeCodeVersion).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ApiBridgeCodeVersion' }, ''] }] });
    // The bucket the zip's version comes from is versioned.
    expect(template.Resources.OutputBucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(fn.Environment.Variables).toEqual({ AGENT_RUNTIME_ARN: { Ref: 'AgentRuntimeArn' } });
  });

  it("lets the bridge's role invoke only this runtime (and write its own logs)", () => {
    const statements = template.Resources.ApiBridgeRole.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const invoke = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('bedrock')));
    expect(invoke).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'bedrock-agentcore:InvokeAgentRuntime', Resource: [{ Ref: 'AgentRuntimeArn' }, { 'Fn::Sub': '${AgentRuntimeArn}/runtime-endpoint/*' }] }),
    ]);
    const others = statements.filter((s: any) => !invoke.includes(s));
    for (const s of others) {
      expect([s.Action].flat().every((a: string) => a.startsWith('logs:'))).toBe(true);
      expect(s.Resource).toEqual({ 'Fn::GetAtt': ['ApiBridgeLogGroup', 'Arn'] });
    }
    expect(JSON.stringify(statements)).not.toContain('"*"');
    expect(template.Resources.ApiBridgePermission.Properties.Principal).toBe('apigateway.amazonaws.com');
  });
});
