import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { base64Forms, createRedactor, REDACTED, redactDeep, scrubFile, secretValues } from '../../container/src/redact.js';
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

describe('base64Forms and scrubFile (issue 8: every encoding, any file size)', () => {
  const secret = 'ghp_Token/Value+With=Odd_Chars_0123456789';
  const redact = createRedactor({}, [secret]);

  it('finds the secret base64-encoded at every byte alignment inside longer text, in both alphabets', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
      const standard = Buffer.from(`${prefix}${secret}tail`).toString('base64');
      expect(redact(standard), prefix).toContain(REDACTED);
      const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_');
      expect(redact(urlSafe), prefix).toContain(REDACTED);
    }
    expect(base64Forms('short')).toEqual([]);
  });

  it('finds base64 wrapped at 76 columns (coreutils base64, MIME) and Python urllib quote / quote_plus forms', () => {
    const wrapped = Buffer.from(`${'x'.repeat(50)}${secret}${'y'.repeat(50)}`).toString('base64').replace(/(.{76})/g, '$1\n');
    expect(wrapped).toMatch(/\n/);
    expect(redact(wrapped)).toContain(REDACTED);
    const spaced = 'pass word/with:odd+chars!*()';
    const r = createRedactor({}, [spaced]);
    const quote = (t: string, safe: string) => [...Buffer.from(t)].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) || safe.includes(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
    expect(r(`q=${quote(spaced, '/')}`)).toBe(`q=${REDACTED}`);
    expect(r(`q=${quote(spaced, '')}`)).toBe(`q=${REDACTED}`);
    expect(r(`q=${quote(spaced, '').replace(/%20/g, '+')}`)).toBe(`q=${REDACTED}`);
  });

  it('leaves base64 of other text alone', () => {
    const other = Buffer.from('an ordinary sentence without anything secret in it').toString('base64');
    expect(redact(other)).toBe(other);
  });

  it('rewrites a file larger than one read chunk, including a secret split across the chunk boundary, and keeps the rest byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrub-'));
    try {
      const path = join(dir, 'big.bin');
      const chunk = 1024 * 1024;
      const head = Buffer.alloc(chunk - 10, 0xfe); // non-UTF-8 bytes must survive
      const body = Buffer.concat([head, Buffer.from(secret), Buffer.from('\nmiddle\n'), Buffer.alloc(3 * chunk, 0x41), Buffer.from(encodeURIComponent(secret)), Buffer.from('END')]);
      writeFileSync(path, body);
      expect(await scrubFile(path, dir, redact)).toBe('redacted');
      const out = readFileSync(path);
      const expected = Buffer.concat([head, Buffer.from(REDACTED), Buffer.from('\nmiddle\n'), Buffer.alloc(3 * chunk, 0x41), Buffer.from(REDACTED), Buffer.from('END')]);
      expect(out.equals(expected)).toBe(true);
      expect(await scrubFile(path, dir, redact)).toBe('clean');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never follows a symlink, nor acts on a file outside the root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrub-'));
    try {
      const outside = join(dir, 'outside.txt');
      writeFileSync(outside, `secret ${secret}\n`);
      mkdirSync(join(dir, 'root'));
      symlinkSync(outside, join(dir, 'root', 'link.txt'));
      expect(await scrubFile(join(dir, 'root', 'link.txt'), join(dir, 'root'), redact)).toBe('skipped');
      expect(await scrubFile(outside, join(dir, 'root'), redact)).toBe('skipped');
      expect(readFileSync(outside, 'utf8')).toContain(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redactDeep cleans every string of a document, keys included', () => {
    const doc = { result: `x ${secret}`, nested: [{ [secret]: Buffer.from(secret).toString('base64') }], n: 1, ok: true, none: null };
    const out = redactDeep(doc, redact);
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(JSON.stringify(out)).not.toContain(Buffer.from(secret).toString('base64').slice(0, 20));
    expect(out).toMatchObject({ n: 1, ok: true, none: null });
  });
});
