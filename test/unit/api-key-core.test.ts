import { describe, expect, it } from 'vitest';
import { curlExample, gitignoreWith, maskSecret } from '../../src/core/api-key.js';

describe('gitignoreWith', () => {
  it.each([
    [undefined, '.api_key\n'],
    ['', '.api_key\n'],
    ['node_modules/\n', 'node_modules/\n.api_key\n'],
    ['node_modules/', 'node_modules/\n.api_key\n'],
    ['dist/\r\nlogs/\r\n', 'dist/\r\nlogs/\r\n.api_key\n'],
  ])('adds the entry to %j', (content, expected) => {
    expect(gitignoreWith(content)).toBe(expected);
  });

  it.each(['.api_key\n', 'a\n  .api_key  \nb', '/.api_key\n', 'x\r\n.api_key\r\n'])('leaves %j alone (already ignored)', (content) => {
    expect(gitignoreWith(content)).toBeUndefined();
  });

  it('does not mistake a longer name for the entry', () => {
    expect(gitignoreWith('.api_key.bak\n')).toBe('.api_key.bak\n.api_key\n');
  });
});

describe('maskSecret', () => {
  it('keeps the first 4 characters and hides the rest', () => {
    expect(maskSecret('abcdefghijklmnopqrstuvwxyz0123456789ABCD')).toBe(`abcd${'*'.repeat(36)}`);
  });
  it('hides short secrets behind at least 8 stars', () => {
    expect(maskSecret('abcdef')).toBe('abcd********');
  });
});

describe('curlExample', () => {
  it('reads the key from .api_key and posts a JSON prompt', () => {
    const text = curlExample('https://x.execute-api.us-east-1.amazonaws.com/prod/invoke', "it's");
    expect(text).toContain("curl -X POST 'https://x.execute-api.us-east-1.amazonaws.com/prod/invoke'");
    expect(text).toContain('-H "x-api-key: $(cat .api_key)"');
    expect(text).toContain(`-d '{"prompt":"it'\\''s"}'`);
  });
});
