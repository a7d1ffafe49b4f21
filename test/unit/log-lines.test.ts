import { describe, expect, it } from 'vitest';
import { consoleLinks, repositoryNameFromUri, runtimeLogGroup } from '../../src/core/console-links.js';
import { formatLogEvent, isHealthCheck } from '../../src/core/log-lines.js';

describe('isHealthCheck', () => {
  it.each([
    ['INFO:     127.0.0.1:52544 - "GET /ping HTTP/1.1" 200 OK', true],
    ['{"method":"GET","path":"/ping","status":200}', true],
    ['HEAD /ping 200 0.3 ms', true],
    ['POST /invocations 200', false],
    ['the agent ran ping 8.8.8.8', false],
    ['GET /pingpong', false],
  ])('%j → %s', (line, expected) => expect(isHealthCheck(line)).toBe(expected));
});

describe('formatLogEvent', () => {
  it('prefixes the ISO time and drops the trailing newline', () => {
    expect(formatLogEvent({ timestamp: Date.parse('2025-01-01T00:00:00Z'), message: 'hello\n' })).toBe('2025-01-01T00:00:00.000Z hello');
  });
});

describe('console links', () => {
  it('names the runtime log group after the runtime id and DEFAULT endpoint', () => {
    expect(runtimeLogGroup('abc-123')).toBe('/aws/bedrock-agentcore/runtimes/abc-123-DEFAULT');
  });
  it('extracts the repository name from an image or repository URI', () => {
    expect(repositoryNameFromUri('1.dkr.ecr.eu-west-1.amazonaws.com/team/agent:tag')).toBe('team/agent');
    expect(repositoryNameFromUri('1.dkr.ecr.eu-west-1.amazonaws.com/agent')).toBe('agent');
  });
  it('builds links only for known resources, with the CloudWatch console encoding', () => {
    const links = consoleLinks({ region: 'eu-west-1', bucket: 'b', logGroup: '/aws/x' });
    expect(Object.keys(links).sort()).toEqual(['bucket', 'logs']);
    expect(links.logs).toBe('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fx');
    expect(links.bucket).toBe('https://s3.console.aws.amazon.com/s3/buckets/b?region=eu-west-1');
  });
});
