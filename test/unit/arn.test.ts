import { describe, expect, it } from 'vitest';
import { parseRuntimeArn, parseSecretArn } from '../../src/core/arn.js';
import { runtimeIdFromArn } from '../../src/aws/invoke.js';

describe('parseRuntimeArn', () => {
  it.each([
    ['arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbC1234567', { partition: 'aws', region: 'us-east-1', accountId: '123456789012', runtimeId: 'my_agent-AbC1234567' }],
    ['arn:aws-cn:bedrock-agentcore:cn-north-1:123456789012:runtime/a-AbC1234567', { partition: 'aws-cn', region: 'cn-north-1', accountId: '123456789012', runtimeId: 'a-AbC1234567' }],
    // moto's form
    ['arn:aws:bedrock-agentcore:us-east-1:123456789012:agent/agentcore_claude-xyz', { partition: 'aws', region: 'us-east-1', accountId: '123456789012', runtimeId: 'agentcore_claude-xyz' }],
  ])('%s', (arn, parts) => {
    expect(parseRuntimeArn(arn)).toEqual(parts);
  });
  it.each([
    '',
    'my_agent-AbC1234567',
    'arn:aws:bedrock-agentcore::123456789012:runtime/x',
    'arn:aws:bedrock-agentcore:us-east-1:12345:runtime/x',
    'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/',
    'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime',
    'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/x/endpoint/DEFAULT',
    'arn:aws:lambda:us-east-1:123456789012:function/x',
    'ARN:aws:bedrock-agentcore:us-east-1:123456789012:runtime/x',
  ])('refuses %j', (arn) => {
    expect(parseRuntimeArn(arn)).toBeUndefined();
  });
  it('runtimeIdFromArn reads the id, and takes a bare id as it is', () => {
    expect(runtimeIdFromArn('arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbC1234567')).toBe('my_agent-AbC1234567');
    expect(runtimeIdFromArn('my_agent-AbC1234567')).toBe('my_agent-AbC1234567');
  });
});

describe('parseSecretArn', () => {
  it('reads a secret ARN', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:123456789012:secret:team/github-token-AbCdEf')).toEqual({
      partition: 'aws', region: 'eu-west-1', accountId: '123456789012', name: 'team/github-token-AbCdEf',
    });
  });
  it.each([
    'github-token',
    'arn:aws:s3:::bucket',
    'arn:aws:secretsmanager:eu-west-1:123456789012:parameter:x',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bad name',
    'arn:aws:secretsmanager::123456789012:secret:x',
  ])('refuses %j', (arn) => {
    expect(parseSecretArn(arn)).toBeUndefined();
  });
});
