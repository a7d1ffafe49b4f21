import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleUrl, objectKey, outputPrefix, utcStamp } from '../../container/src/output-prefix.js';
import { changedFiles, diffSnapshots, sessionDirName, sessionDirs, snapshot, type FileStamp } from '../../container/src/workspace.js';

describe('output prefix naming', () => {
  it('formats the UTC time as YYYYMMDD_HHMMSS', () => {
    expect(utcStamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102_030405');
    expect(utcStamp(new Date('2026-11-21T23:59:59+09:00'))).toBe('20261121_145959');
  });

  it('adds the first 8 hex digits of the invocation id, so the same second never collides', () => {
    const at = new Date('2026-11-21T19:30:00Z');
    const a = outputPrefix(at, '3f2a9c1e-0000-4000-8000-000000000000');
    const b = outputPrefix(at, '7b6d5e4f-0000-4000-8000-000000000000');
    expect(a).toBe('outputs/20261121_193000_3f2a9c1e/');
    expect(b).toBe('outputs/20261121_193000_7b6d5e4f/');
    expect(() => outputPrefix(at, 'ab-c')).toThrow(/too short/);
  });

  it('builds keys from relative paths and console URLs with the key encoded', () => {
    const key = objectKey('outputs/20261121_193000_3f2a9c1e/', join('a b', 'é.txt'));
    expect(key).toBe('outputs/20261121_193000_3f2a9c1e/a b/é.txt');
    expect(consoleUrl('my-bucket', key, 'ap-northeast-1')).toBe(
      'https://s3.console.aws.amazon.com/s3/object/my-bucket?region=ap-northeast-1&prefix=outputs%2F20261121_193000_3f2a9c1e%2Fa%20b%2F%C3%A9.txt',
    );
  });
});

describe('diffSnapshots', () => {
  const stamp = (size: number, mtime: bigint, ino = 1n, ctime = mtime): FileStamp => ({ size, mtimeNs: mtime, ctimeNs: ctime, ino });
  it('reports new files and files whose size, mtime, ctime or inode changed, sorted', () => {
    const before = new Map([['same', stamp(1, 10n)], ['grown', stamp(1, 10n)], ['touched', stamp(1, 10n)], ['replaced', stamp(1, 10n, 5n)], ['chmod', stamp(1, 10n)], ['deleted', stamp(1, 10n)]]);
    const after = new Map([['same', stamp(1, 10n)], ['grown', stamp(2, 10n)], ['touched', stamp(1, 11n)], ['replaced', stamp(1, 10n, 6n)], ['chmod', stamp(1, 10n, 1n, 12n)], ['new', stamp(3, 1n)]]);
    expect(diffSnapshots(before, after)).toEqual([
      { relativePath: 'chmod', size: 1 }, { relativePath: 'grown', size: 2 }, { relativePath: 'new', size: 3 },
      { relativePath: 'replaced', size: 1 }, { relativePath: 'touched', size: 1 },
    ]);
  });
});

describe('workspace snapshots on disk', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ws-unit-'));
    outside = mkdtempSync(join(tmpdir(), 'outside-unit-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('gives each session its own workspace and config dir; ids that are not plain names are hashed', async () => {
    const a = await sessionDirs(root, 'session-a');
    const b = await sessionDirs(root, 'session-b');
    expect(a.workspace).toBe(join(realpathSync(root), 'session-a'));
    expect(a.configDir).toBe(join(root, '.claude-sessions', 'session-a'));
    expect(a.workspace).not.toBe(b.workspace);
    expect(sessionDirName('session-3f2a9c1e-0000-4000-8000-000000000000')).toBe('session-3f2a9c1e-0000-4000-8000-000000000000');
    const names = new Set<string>();
    for (const odd of ['../x', '.hidden', 'a/b', '-x', 'x'.repeat(129), 'with space', '..']) {
      const name = sessionDirName(odd);
      expect(name).toMatch(/^h-[0-9a-f]{64}$/);
      names.add(name);
      const dirs = await sessionDirs(root, odd);
      expect(dirs.workspace).toBe(join(realpathSync(root), name));
    }
    expect(names.size).toBe(7);
  });

  it('finds what changed since the snapshot, never following symlinks', async () => {
    const { workspace } = await sessionDirs(root, 's1');
    writeFileSync(join(workspace, 'old.txt'), 'old');
    writeFileSync(join(workspace, 'edit.txt'), 'v1');
    utimesSync(join(workspace, 'edit.txt'), new Date('2020-01-01'), new Date('2020-01-01'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    mkdirSync(join(outside, 'dir'));
    writeFileSync(join(outside, 'dir', 'inner.txt'), 'inner');
    const before = await snapshot(workspace);
    expect([...before.keys()].sort()).toEqual(['edit.txt', 'old.txt']);

    writeFileSync(join(workspace, 'edit.txt'), 'v2');
    mkdirSync(join(workspace, 'nested', 'deep'), { recursive: true });
    writeFileSync(join(workspace, 'nested', 'deep', 'new file.txt'), 'new');
    symlinkSync(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
    symlinkSync(join(outside, 'dir'), join(workspace, 'linked-dir'));
    symlinkSync(join(workspace, 'old.txt'), join(workspace, 'internal-link.txt'));

    const changed = await changedFiles(workspace, before);
    expect(changed.map((f) => f.relativePath)).toEqual(['edit.txt', join('nested', 'deep', 'new file.txt')]);
    expect(changed[1]).toEqual({ relativePath: join('nested', 'deep', 'new file.txt'), absolutePath: join(workspace, 'nested', 'deep', 'new file.txt'), size: 3 });
  });
});
