import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { create as tarCreate, Header } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DELTAS, SessionStore, type SessionRecord } from '../../container/src/session-store.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let s3: S3Client;
const BUCKET = 'sessions-bucket';
const dirs: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
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
let counter = 0;
const newId = (label: string) => `${label}-${process.pid}-${++counter}`;

/** Every path under the parts with its type, permission bits, content and link identity: what a restore must reproduce. */
function tree(root: string, parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const inodes = new Map<number, string>();
  const visit = (rel: string) => {
    const abs = join(root, rel);
    const st = statSync(abs);
    if (st.isDirectory()) {
      out[rel] = `dir ${(st.mode & 0o777).toString(8)}`;
      for (const name of readdirSync(abs).sort()) visit(`${rel}/${name}`);
    } else {
      const first = inodes.get(st.ino);
      if (!first) inodes.set(st.ino, rel);
      out[rel] = `file ${(st.mode & 0o777).toString(8)} ${first ? `link→${first}` : readFileSync(abs, 'utf8')}`;
    }
  };
  for (const part of parts) if (existsSync(join(root, part))) visit(part);
  return out;
}

async function keys(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

function tarEntry(path: string, type: string, data = Buffer.alloc(0), linkpath?: string): Buffer {
  const block = Buffer.alloc(512);
  new Header({ path, type: type as never, size: data.length, mode: type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0), linkpath }).encode(block, 0);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([block, padded]);
}

describe('SessionStore against moto S3', () => {
  it('saves, then restores a session on a machine that never saw it', async () => {
    const store = new SessionStore(s3, BUCKET);
    const id = 'session-0123456789abcdef0123456789abcdef';
    expect(await store.record(id)).toBeUndefined();
    expect(await store.restore(id, temp(), ['workspace'])).toBeUndefined();

    const root = temp();
    mkdirSync(join(root, 'workspace', 'src'), { recursive: true });
    mkdirSync(join(root, 'claude'), { recursive: true });
    writeFileSync(join(root, 'workspace', 'src', 'app.py'), 'print(1)\n');
    writeFileSync(join(root, 'claude', 't.jsonl'), '{}\n');
    const first = await store.save(id, root, ['workspace', 'claude'], { prompt: 'make an app', claudeSessionId: 'c-1' });
    expect(first).toMatchObject({ runtime_session_id: id, claude_session_id: 'c-1', file_count: 2, first_prompt: 'make an app', invocations: 1, saved_as: 'base' });

    writeFileSync(join(root, 'workspace', 'test_app.py'), 'assert True\n');
    const second = await store.save(id, root, ['workspace', 'claude'], { prompt: 'add tests', previous: first });
    expect(second).toMatchObject({ file_count: 3, first_prompt: 'make an app', last_prompt: 'add tests', invocations: 2, claude_session_id: 'c-1', created_at: first.created_at, saved_as: 'delta' });
    expect(second.archive!.deltas[0]!.entries).toBe(1);

    const fresh = temp();
    const restored = await new SessionStore(s3, BUCKET).restore(id, fresh, ['workspace', 'claude']);
    expect(restored).toMatchObject({ fileCount: 3, refused: [], archives: 2, record: { invocations: 2 } });
    expect(readFileSync(join(fresh, 'workspace', 'test_app.py'), 'utf8')).toBe('assert True\n');
    expect(readFileSync(join(fresh, 'claude', 't.jsonl'), 'utf8')).toBe('{}\n');
    // The record the CLI lists keeps its fields.
    const listed = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `sessions/${id}.json` }))).Body!.transformToString());
    expect(Object.keys(listed)).toEqual(expect.arrayContaining(['runtime_session_id', 'claude_session_id', 'created_at', 'updated_at', 'file_count', 'first_prompt', 'last_prompt', 'invocations']));
  });

  it('saves only what changed: base + deltas (changes, deletions, type changes, hard links) restore exactly the saved state, compacted after MAX_DELTAS', async () => {
    const id = newId('incremental');
    const parts = [id, `.claude-sessions/${id}`];
    const root = temp();
    const ws = join(root, id);
    mkdirSync(join(ws, 'src', 'old'), { recursive: true });
    mkdirSync(join(root, '.claude-sessions', id, 'projects'), { recursive: true });
    for (let i = 0; i < 50; i++) writeFileSync(join(ws, 'src', `f${i}.ts`), `export const v = ${i};\n`);
    writeFileSync(join(ws, 'src', 'old', 'gone.txt'), 'gone');
    writeFileSync(join(ws, 'becomes-dir'), 'file first');
    writeFileSync(join(root, '.claude-sessions', id, 'projects', 't.jsonl'), '{"turn":1}\n');
    const store = new SessionStore(s3, BUCKET);
    let record: SessionRecord = await store.save(id, root, parts, { prompt: 'p0' });

    const steps: Array<() => void> = [
      () => {
        writeFileSync(join(ws, 'src', 'f1.ts'), 'changed\n');
        rmSync(join(ws, 'src', 'old'), { recursive: true });
        rmSync(join(ws, 'becomes-dir'));
        mkdirSync(join(ws, 'becomes-dir'));
        writeFileSync(join(ws, 'becomes-dir', 'inside'), 'now a dir');
      },
      () => {
        writeFileSync(join(ws, 'shared'), 'one inode');
        linkSync(join(ws, 'shared'), join(ws, 'src', 'shared-link'));
        chmodSync(join(ws, 'src', 'f2.ts'), 0o600);
        writeFileSync(join(root, '.claude-sessions', id, 'projects', 't.jsonl'), '{"turn":1}\n{"turn":2}\n');
      },
      () => {
        rmSync(join(ws, 'src', 'f3.ts'));
        writeFileSync(join(ws, 'shared'), 'one inode, edited');
      },
    ];
    for (const [i, step] of steps.entries()) {
      step();
      const saved = await store.save(id, root, parts, { prompt: `p${i + 1}`, previous: record });
      expect(saved.saved_as).toBe('delta');
      record = saved;
    }
    expect(record.archive!.deltas.map((d) => d.deleted)).toEqual([[`${id}/becomes-dir`, `${id}/src/old`], [], [`${id}/src/f3.ts`]]);
    expect(record.archive!.deltas[0]!.entries).toBeLessThanOrEqual(4);
    // Nothing changed: only the record is written.
    const unchanged = await store.save(id, root, parts, { prompt: 'nothing', previous: record });
    expect(unchanged.saved_as).toBe('none');
    record = unchanged;

    const fresh = temp();
    const restored = await new SessionStore(s3, BUCKET).restore(id, fresh, parts);
    expect(restored?.refused).toEqual([]);
    expect(tree(fresh, parts)).toEqual(tree(root, parts));
    expect(statSync(join(fresh, id, 'shared')).ino).toBe(statSync(join(fresh, id, 'src', 'shared-link')).ino);

    // Compaction: after MAX_DELTAS deltas the next save writes a new base and drops the deltas.
    for (let i = record.archive!.deltas.length; i < MAX_DELTAS; i++) {
      writeFileSync(join(ws, `more-${i}`), String(i));
      record = await store.save(id, root, parts, { prompt: `more ${i}`, previous: record });
    }
    expect(record.archive!.deltas).toHaveLength(MAX_DELTAS);
    writeFileSync(join(ws, 'last'), 'last');
    const compacted = await store.save(id, root, parts, { prompt: 'compact', previous: record });
    expect(compacted.saved_as).toBe('base');
    expect(compacted.archive!.deltas).toEqual([]);
    expect(await keys(`sessions/${id}/`)).toEqual([]);
    const again = temp();
    await new SessionStore(s3, BUCKET).restore(id, again, parts);
    expect(tree(again, parts)).toEqual(tree(root, parts));
  });

  it('a save that only deletes writes an empty delta with its deletion list; an empty session saves and restores', async () => {
    const id = newId('deletes');
    const root = temp();
    mkdirSync(join(root, id, 'dir'), { recursive: true });
    writeFileSync(join(root, id, 'dir', 'a'), 'a');
    writeFileSync(join(root, id, 'b'), 'b');
    const store = new SessionStore(s3, BUCKET);
    const first = await store.save(id, root, [id], { prompt: 'p' });
    rmSync(join(root, id, 'dir'), { recursive: true });
    const second = await store.save(id, root, [id], { prompt: 'p2', previous: first });
    expect(second).toMatchObject({ saved_as: 'delta', file_count: 1 });
    expect(second.archive!.deltas[0]).toMatchObject({ entries: 0, deleted: [`${id}/dir`] });
    const fresh = temp();
    await new SessionStore(s3, BUCKET).restore(id, fresh, [id]);
    expect(tree(fresh, [id])).toEqual(tree(root, [id]));

    const none = newId('nothing');
    const emptyRoot = temp();
    const saved = await new SessionStore(s3, BUCKET).save(none, emptyRoot, [none, `.claude-sessions/${none}`], { prompt: 'p' });
    expect(saved).toMatchObject({ saved_as: 'base', file_count: 0 });
    expect(await new SessionStore(s3, BUCKET).restore(none, temp(), [none])).toMatchObject({ fileCount: 0, refused: [] });
  });

  it('restores a base newer than its record (a save died between the two) alone: it is the complete state', async () => {
    const id = newId('stale');
    const root = temp();
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'a'), 'v1');
    const store = new SessionStore(s3, BUCKET);
    const first = await store.save(id, root, [id], { prompt: 'p' });
    writeFileSync(join(root, id, 'a'), 'v2');
    const second = await store.save(id, root, [id], { prompt: 'p', previous: first });
    expect(second.saved_as).toBe('delta');
    // A later compaction wrote a new base (a = v3) and died before the record.
    writeFileSync(join(root, id, 'a'), 'v3');
    const other = temp();
    mkdirSync(join(other, id));
    writeFileSync(join(other, id, 'a'), 'v3');
    await new SessionStore(s3, BUCKET).save(id, other, [id], { prompt: 'p' });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${id}.json`, Body: JSON.stringify(second) }));
    const fresh = temp();
    const restored = await new SessionStore(s3, BUCKET).restore(id, fresh, [id]);
    expect(restored).toMatchObject({ archives: 1, refused: [] });
    expect(readFileSync(join(fresh, id, 'a'), 'utf8')).toBe('v3');
  });

  it('restores a session saved before incremental saves (one archive, record without a manifest), then extends it', async () => {
    const id = newId('legacy');
    const parts = [id, `.claude-sessions/${id}`];
    const root = temp();
    mkdirSync(join(root, id, 'src'), { recursive: true });
    mkdirSync(join(root, '.claude-sessions', id), { recursive: true });
    writeFileSync(join(root, id, 'src', 'a.py'), 'print(1)\n');
    writeFileSync(join(root, '.claude-sessions', id, 't.jsonl'), '{}\n');
    // What the previous save wrote: tar.c of the parts, and a record without `archive`.
    const archive = join(temp(), 'old.tar.gz');
    await tarCreate({ gzip: true, file: archive, portable: true, cwd: root, follow: false }, parts);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${id}.tar.gz`, Body: readFileSync(archive) }));
    const old = { runtime_session_id: id, claude_session_id: 'c-old', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', file_count: 2, first_prompt: 'p', last_prompt: 'p', invocations: 3 };
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${id}.json`, Body: JSON.stringify(old) }));
    const fresh = temp();
    const store = new SessionStore(s3, BUCKET);
    const restored = await store.restore(id, fresh, parts);
    expect(restored).toMatchObject({ fileCount: 2, refused: [], record: { claude_session_id: 'c-old' } });
    expect(tree(fresh, parts)).toEqual(tree(root, parts));
    writeFileSync(join(fresh, id, 'b'), 'b');
    const saved = await store.save(id, fresh, parts, { prompt: 'next', previous: restored!.record });
    expect(saved).toMatchObject({ saved_as: 'base', invocations: 4, created_at: old.created_at, file_count: 3 });
  });

  it('continues the chain after a restore on a new machine, and writes a base when the record is not the chain it knows', async () => {
    const id = newId('continue');
    const root = temp();
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'a'), 'a');
    const first = await new SessionStore(s3, BUCKET).save(id, root, [id], { prompt: 'p' });
    const vm2 = temp();
    const store2 = new SessionStore(s3, BUCKET);
    const restored = await store2.restore(id, vm2, [id]);
    writeFileSync(join(vm2, id, 'b'), 'b');
    const second = await store2.save(id, vm2, [id], { prompt: 'p2', previous: restored!.record });
    expect(second.saved_as).toBe('delta');
    // A store that has not seen the session's latest chain writes the whole state.
    writeFileSync(join(root, id, 'c'), 'c');
    expect((await new SessionStore(s3, BUCKET).save(id, root, [id], { prompt: 'p3', previous: first })).saved_as).toBe('base');
  });

  it('leaves rebuildable folders out by default; SESSION_EXCLUDE-style option overrides', async () => {
    const id = newId('exclude');
    const root = temp();
    mkdirSync(join(root, id, 'node_modules', 'left-pad'), { recursive: true });
    mkdirSync(join(root, id, '.venv', 'bin'), { recursive: true });
    writeFileSync(join(root, id, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;');
    writeFileSync(join(root, id, '.venv', 'bin', 'python'), '');
    writeFileSync(join(root, id, 'package.json'), '{}');
    const saved = await new SessionStore(s3, BUCKET).save(id, root, [id], { prompt: 'p' });
    expect(saved.file_count).toBe(1);
    const everything = await new SessionStore(s3, BUCKET, { exclude: [] }).save(id, root, [id], { prompt: 'p' });
    expect(everything.file_count).toBe(3);
  });

  it('never saves what it would refuse to restore: a 2 GB sparse file and a file of zeros are left out and reported', async () => {
    const id = newId('sparse');
    const root = temp();
    mkdirSync(join(root, id));
    execFileSync('truncate', ['-s', '2G', join(root, id, 'disk.img')]);
    writeFileSync(join(root, id, 'zeros.bin'), Buffer.alloc(64 * 1024 * 1024));
    writeFileSync(join(root, id, 'code.ts'), 'export {};\n');
    const saved = await new SessionStore(s3, BUCKET).save(id, root, [id], { prompt: 'p' });
    expect(saved.skipped.map((s) => [s.path, s.reason.split(' ')[0]])).toEqual([
      [`${id}/disk.img`, 'larger'],
      [`${id}/zeros.bin`, 'compresses'],
    ]);
    expect(saved).toMatchObject({ file_count: 1, skipped_count: 2 });
    const fresh = temp();
    const restored = await new SessionStore(s3, BUCKET).restore(id, fresh, [id]);
    expect(restored).toMatchObject({ fileCount: 1, refused: [] });
    expect(readdirSync(join(fresh, id))).toEqual(['code.ts']);
  });

  it('refuses a tampered archive as a whole: the folders stay empty, the reason is returned, the Claude session is not resumed', async () => {
    const id = newId('tampered');
    const parts = [id, `.claude-sessions/${id}`];
    const root = temp();
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'a'), 'a');
    const saved = await new SessionStore(s3, BUCKET).save(id, root, parts, { prompt: 'p', claudeSessionId: 'c-9' });
    const evil = gzipSync(
      Buffer.concat([tarEntry(`${id}/`, 'Directory'), tarEntry(`${id}/ok`, 'File', Buffer.from('ok')), tarEntry(`${id}/passwd`, 'Link', Buffer.alloc(0), '../../../etc/passwd'), Buffer.alloc(1024)]),
    );
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${id}.tar.gz`, Body: evil, Metadata: { generation: saved.archive!.generation } }));
    const fresh = temp();
    mkdirSync(join(fresh, id), { recursive: true });
    const restored = await new SessionStore(s3, BUCKET).restore(id, fresh, parts);
    expect(restored?.refusal?.code).toBe('link-target');
    expect(restored?.refused[0]?.reason).toMatch(/hard link/);
    expect(restored?.fileCount).toBe(0);
    expect(restored?.record?.claude_session_id).toBeUndefined();
    expect(restored?.record?.invocations).toBe(1);
    expect(readdirSync(join(fresh, id))).toEqual([]);
    expect(readdirSync(fresh).filter((n) => n.startsWith('.session-restore-'))).toEqual([]);
  });

  it('refuses an archive over the entry limit mid-way without throwing, and leaves no staging behind', async () => {
    const id = newId('many');
    const entries = [tarEntry(`${id}/`, 'Directory')];
    for (let i = 0; i < 3000; i++) entries.push(tarEntry(`${id}/f${i}`, 'File', Buffer.from('x')));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${id}.tar.gz`, Body: gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)])) }));
    const fresh = temp();
    const restored = await new SessionStore(s3, BUCKET, { limits: { maxEntries: 2000 } }).restore(id, fresh, [id]);
    expect(restored?.refusal?.code).toBe('too-many-entries');
    expect(restored?.refused[0]?.reason).toMatch(/RESTORE_MAX_ENTRIES/);
    expect(readdirSync(fresh)).toEqual([id]);
    expect(readdirSync(join(fresh, id))).toEqual([]);
  });

  it('refuses a manifest that points outside the session or deletes outside it', async () => {
    const id = newId('manifest');
    const root = temp();
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'a'), 'a');
    const saved = await new SessionStore(s3, BUCKET).save(id, root, [id], { prompt: 'p' });
    for (const archive of [
      { ...saved.archive!, deltas: [{ key: 'sessions/other.tar.gz', entries: 0, bytes: 0, compressed: 0, deleted: [] }] },
      { ...saved.archive!, base: { ...saved.archive!.base, key: 'sessions/other.tar.gz' } },
    ]) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${id}.json`, Body: JSON.stringify({ ...saved, archive }) }));
      const restored = await new SessionStore(s3, BUCKET).restore(id, temp(), [id]);
      expect(restored?.refusal?.code).toBe('bad-manifest');
    }
  });

  it('strips hooks and other command-running settings from the restored config dir', async () => {
    const id = newId('hooks');
    const parts = [id, `.claude-sessions/${id}`];
    const root = temp();
    mkdirSync(join(root, id));
    mkdirSync(join(root, '.claude-sessions', id), { recursive: true });
    const hooks = { SessionStart: [{ hooks: [{ type: 'command', command: 'touch /tmp/pwned-by-restore' }] }] };
    writeFileSync(join(root, '.claude-sessions', id, 'settings.json'), JSON.stringify({ hooks, awsCredentialExport: 'x', model: 'm' }));
    await new SessionStore(s3, BUCKET).save(id, root, parts, { prompt: 'p' });
    const fresh = temp();
    // As root (CI) the owner is another user's; otherwise a process can only give files to itself.
    const owner = process.getuid!() === 0 ? { uid: 65534, gid: 65534 } : { uid: process.getuid!(), gid: process.getgid!() };
    const restored = await new SessionStore(s3, BUCKET).restore(id, fresh, parts, { owner });
    expect(statSync(join(fresh, '.claude-sessions', id, 'settings.json'))).toMatchObject(owner);
    expect(restored?.sanitized).toEqual([{ path: `.claude-sessions/${id}/settings.json`, removed: ['hooks', 'awsCredentialExport'] }]);
    expect(JSON.parse(readFileSync(join(fresh, '.claude-sessions', id, 'settings.json'), 'utf8'))).toEqual({ model: 'm' });
  });

  it('keys objects by the safe name and lists the runtime session id it was given', async () => {
    const name = newId('h');
    const root = temp();
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'a'), 'a');
    const first = await new SessionStore(s3, BUCKET).save(name, root, [name], { prompt: 'p', runtimeSessionId: 'an id with spaces/and slashes' });
    expect(first.runtime_session_id).toBe('an id with spaces/and slashes');
    expect(await keys(`sessions/${name}.`)).toEqual([`sessions/${name}.json`, `sessions/${name}.tar.gz`]);
    const second = await new SessionStore(s3, BUCKET).save(name, root, [name], { prompt: 'p2', previous: first });
    expect(second.runtime_session_id).toBe('an id with spaces/and slashes');
  });

  it('refuses a restore into a folder that is not empty, and S3 keys that are not safe', async () => {
    const id = newId('busy');
    const root = temp();
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'a'), 'a');
    await new SessionStore(s3, BUCKET).save(id, root, [id], { prompt: 'p' });
    const restored = await new SessionStore(s3, BUCKET).restore(id, root, [id]);
    expect(restored?.refusal?.code).toBe('target-not-empty');
    expect(readFileSync(join(root, id, 'a'), 'utf8')).toBe('a');
    const store = new SessionStore(s3, BUCKET);
    await expect(store.restore('../x', temp(), ['w'])).rejects.toThrow(/Invalid session key/);
    await expect(store.save('a/b', temp(), ['w'], { prompt: 'p' })).rejects.toThrow(/Invalid session key/);
  });

  it('aborts S3 calls with an AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('timed out'));
    await expect(new SessionStore(s3, BUCKET).restore(newId('abort'), temp(), ['w'], { signal: controller.signal })).rejects.toThrow();
  });
});
