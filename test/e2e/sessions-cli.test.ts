import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../container/src/session-store.js';
import { runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';

const BUCKET = 'agent-outputs';
let moto: Moto;
let s3: S3Client;
let cwd: string;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  cwd = mkdtempSync(join(tmpdir(), 'sessions-cli-'));
  const store = new SessionStore(s3, BUCKET);
  for (const [id, prompt] of [
    ['sess-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'write a CLI in Go'],
    ['sess-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'build a static site'],
  ] as const) {
    const root = join(cwd, id);
    mkdirSync(join(root, 'workspace'), { recursive: true });
    writeFileSync(join(root, 'workspace', 'f.txt'), prompt);
    await store.save(id, root, ['workspace'], { prompt });
    await new Promise((r) => setTimeout(r, 5)); // distinct updated_at
  }
});
afterAll(async () => {
  await moto?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const env = () => ({ ...moto.env });

describe('agentcore-claude sessions (built binary vs moto S3)', () => {
  it('lists saved sessions, newest first, as JSON', async () => {
    const result = await runCli(['sessions', '--json', '--bucket', BUCKET], { cwd, env: env() });
    expect(result.exitCode).toBe(0);
    const { sessions } = JSON.parse(String(result.stdout));
    expect(sessions.map((s: { runtime_session_id: string }) => s.runtime_session_id)).toEqual([
      'sess-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      'sess-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    ]);
    expect(sessions[1]).toMatchObject({ first_prompt: 'write a CLI in Go', file_count: 1, invocations: 1 });
  });

  it('prints one line per session in human mode', async () => {
    const result = await runCli(['sessions', '--bucket', BUCKET], { cwd, env: env() });
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('build a static site');
  });

  it('removes a session, and says so clearly when it does not exist', async () => {
    const rm = await runCli(['sessions', 'rm', 'sess-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '--bucket', BUCKET], { cwd, env: env() });
    expect(rm.exitCode).toBe(0);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'sessions/sess-aaaa' }));
    expect(left.KeyCount ?? 0).toBe(0);
    const again = await runCli(['sessions', 'rm', 'sess-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '--bucket', BUCKET], { cwd, env: env() });
    expect(again.exitCode).toBe(2);
    expect(String(again.stderr)).toMatch(/No saved session "sess-a+"/);
  });

  it('without a deployment or --bucket, says to run deploy', async () => {
    const result = await runCli(['sessions'], { cwd, env: env() });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain('agentcore-claude deploy');
    expect(String(result.stderr)).toContain('--bucket');
  });
});
