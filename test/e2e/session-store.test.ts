import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../container/src/session-store.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let s3: S3Client;
const dirs: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'sessions-bucket' }));
});
afterAll(async () => {
  await moto?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  dirs.push(dir);
  return dir;
}

describe('SessionStore against moto S3', () => {
  it('saves, then restores a session on a machine that never saw it', async () => {
    const store = new SessionStore(s3, 'sessions-bucket');
    const id = 'session-0123456789abcdef0123456789abcdef';
    expect(await store.record(id)).toBeUndefined();
    expect(await store.restore(id, temp(), ['workspace'])).toBeUndefined();

    const root = temp();
    mkdirSync(join(root, 'workspace', 'src'), { recursive: true });
    mkdirSync(join(root, 'claude'), { recursive: true });
    writeFileSync(join(root, 'workspace', 'src', 'app.py'), 'print(1)\n');
    writeFileSync(join(root, 'claude', 't.jsonl'), '{}\n');
    const first = await store.save(id, root, ['workspace', 'claude'], { prompt: 'make an app', claudeSessionId: 'c-1' });
    expect(first).toMatchObject({ runtime_session_id: id, claude_session_id: 'c-1', file_count: 2, first_prompt: 'make an app', invocations: 1 });

    writeFileSync(join(root, 'workspace', 'test_app.py'), 'assert True\n');
    const second = await store.save(id, root, ['workspace', 'claude'], { prompt: 'add tests', previous: first });
    expect(second).toMatchObject({ file_count: 3, first_prompt: 'make an app', last_prompt: 'add tests', invocations: 2, claude_session_id: 'c-1', created_at: first.created_at });

    const fresh = temp();
    const restored = await store.restore(id, fresh, ['workspace', 'claude']);
    expect(restored).toMatchObject({ fileCount: 3, refused: [], record: { invocations: 2 } });
    expect(readFileSync(join(fresh, 'workspace', 'test_app.py'), 'utf8')).toBe('assert True\n');
    expect(readFileSync(join(fresh, 'claude', 't.jsonl'), 'utf8')).toBe('{}\n');
  });
});
