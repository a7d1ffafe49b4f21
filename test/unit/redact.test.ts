import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, secretValues } from '../../container/src/redact.js';
import { TranscriptWriter } from '../../container/src/transcript.js';

const env = {
  ANTHROPIC_API_KEY: 'sk-ant-0123456789',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG"quote',
  GIT_TOKEN: 'ghp_abcdefghijklmnop',
  AWS_REGION: 'us-east-1',
  SHORT_TOKEN: 'abc',
  KEYBOARD_LAYOUT: 'us-international',
};

describe('secretValues', () => {
  it('picks credential-named variables with long values only', () => {
    expect(secretValues(env).sort()).toEqual(['ghp_abcdefghijklmnop', 'sk-ant-0123456789', 'wJalrXUtnFEMI/K7MDENG"quote'].sort());
  });
  it('always includes explicit values', () => {
    expect(secretValues({}, ['from-secrets-manager'])).toEqual(['from-secrets-manager']);
  });
});

describe('createRedactor', () => {
  const redact = createRedactor(env);
  it('removes raw, JSON-escaped and URL-encoded forms', () => {
    const text = JSON.stringify({ cmd: `curl -H "x: ${env.ANTHROPIC_API_KEY}" https://x:${encodeURIComponent(env.GIT_TOKEN)}@h`, aws: env.AWS_SECRET_ACCESS_KEY });
    const out = redact(text);
    expect(out).not.toContain('sk-ant-0123456789');
    expect(out).not.toContain('ghp_abcdefghijklmnop');
    expect(out).not.toContain('wJalrXUtnFEMI');
    expect(out.split(REDACTED).length - 1).toBe(3);
    expect(JSON.parse(out).aws).toBe(REDACTED);
  });
  it('leaves ordinary text alone', () => {
    expect(redact('region us-east-1, layout us-international')).toBe('region us-east-1, layout us-international');
  });
});

describe('TranscriptWriter', () => {
  it('writes one redacted JSON line per message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
    try {
      const writer = await TranscriptWriter.open(join(dir, 'nested', 'transcript.jsonl'), createRedactor(env));
      writer.write({ type: 'system', subtype: 'init' });
      writer.write({ type: 'assistant', text: `my key is ${env.ANTHROPIC_API_KEY}` });
      await writer.close();
      const lines = readFileSync(join(dir, 'nested', 'transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines[0].message).toEqual({ type: 'system', subtype: 'init' });
      expect(lines[1].message.text).toBe(`my key is ${REDACTED}`);
      expect(typeof lines[1].ts).toBe('string');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
