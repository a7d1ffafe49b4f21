import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packSession, unpackSession, unsafeEntryReason } from '../../container/src/session-archive.js';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'archive-test-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) execFileSync('rm', ['-rf', dir]);
});

describe('unsafeEntryReason', () => {
  const parts = ['workspace', 'claude'];
  it.each([
    ['workspace/a.txt', 'File', undefined],
    ['workspace/dir/', 'Directory', undefined],
    ['claude/projects/x.jsonl', 'File', undefined],
    ['workspace/../../evil', 'File', 'has a .. segment'],
    ['/etc/passwd', 'File', 'absolute path'],
    ['C:/x', 'File', 'drive letter'],
    ['workspace/a\\..\\b', 'File', 'contains a backslash'],
    ['other/file', 'File', 'outside the known session parts'],
    ['workspace/link', 'SymbolicLink', 'entry type SymbolicLink is not allowed'],
    ['workspace/hard', 'Link', 'entry type Link is not allowed'],
  ])('%s (%s) → %s', (path, type, reason) => {
    expect(unsafeEntryReason(path, type, parts)).toBe(reason);
  });
});

describe('packSession / unpackSession', () => {
  it('round-trips files of every part, leaving symlinks out', async () => {
    const root = temp();
    mkdirSync(join(root, 'workspace', 'src', 'deep'), { recursive: true });
    mkdirSync(join(root, 'claude', 'projects'), { recursive: true });
    writeFileSync(join(root, 'workspace', 'src', 'deep', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'workspace', 'naïve name.txt'), 'héllo');
    writeFileSync(join(root, 'claude', 'projects', 's.jsonl'), '{"turn":1}\n');
    symlinkSync('/etc/passwd', join(root, 'workspace', 'escape'));
    writeFileSync(join(root, 'not-a-part.txt'), 'ignored');

    const packed = await packSession(root, ['workspace', 'claude', 'missing']);
    expect(packed.fileCount).toBe(3);

    const target = temp();
    const result = await unpackSession(packed.file, target, ['workspace', 'claude']);
    await packed.cleanup();
    expect(existsSync(packed.file)).toBe(false);
    expect(result).toEqual({ fileCount: 3, refused: [] });
    expect(readFileSync(join(target, 'workspace', 'src', 'deep', 'a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(readFileSync(join(target, 'workspace', 'naïve name.txt'), 'utf8')).toBe('héllo');
    expect(readFileSync(join(target, 'claude', 'projects', 's.jsonl'), 'utf8')).toBe('{"turn":1}\n');
    expect(existsSync(join(target, 'workspace', 'escape'))).toBe(false);
    expect(existsSync(join(target, 'not-a-part.txt'))).toBe(false);
  });

  it('refuses hostile entries and restores the rest', async () => {
    const src = temp();
    mkdirSync(join(src, 'workspace'));
    writeFileSync(join(src, 'workspace', 'good.txt'), 'good');
    writeFileSync(join(src, 'evil.txt'), 'evil');
    symlinkSync('/etc', join(src, 'workspace', 'etc-link'));
    const archive = join(temp(), 'hostile.tar.gz');
    // GNU tar writes what node-tar would refuse to create: `..` paths, absolute paths, symlinks.
    execFileSync('tar', [
      '-czf', archive, '-C', src, '-P',
      'workspace/good.txt', 'workspace/etc-link',
      '--transform', 's,^evil.txt$,workspace/../../evil.txt,',
      'evil.txt',
      '--transform', 's,^x,x,',
      join(src, 'evil.txt'),
    ]);
    const target = temp();
    const root = join(target, 'session');
    const result = await unpackSession(archive, root, ['workspace']);
    expect(readFileSync(join(root, 'workspace', 'good.txt'), 'utf8')).toBe('good');
    expect(existsSync(join(root, 'workspace', 'etc-link'))).toBe(false);
    expect(existsSync(join(target, 'evil.txt'))).toBe(false);
    expect(existsSync(join(root, 'evil.txt'))).toBe(false);
    const reasons = result.refused.map((r) => r.reason);
    expect(reasons).toContain('entry type SymbolicLink is not allowed');
    expect(reasons).toContain('has a .. segment');
    expect(reasons).toContain('absolute path');
    expect(result.fileCount).toBe(1);
    expect(lstatSync(join(root, 'workspace')).isDirectory()).toBe(true);
  });
});

describe('multi-segment parts', () => {
  it('packs and restores nested part paths, refusing siblings of a part', async () => {
    const root = temp();
    mkdirSync(join(root, 'sess-1'), { recursive: true });
    mkdirSync(join(root, '.claude-sessions', 'sess-1'), { recursive: true });
    mkdirSync(join(root, '.claude-sessions', 'sess-2'), { recursive: true });
    writeFileSync(join(root, 'sess-1', 'a.txt'), 'a');
    writeFileSync(join(root, '.claude-sessions', 'sess-1', 't.jsonl'), 't');
    writeFileSync(join(root, '.claude-sessions', 'sess-2', 'other.jsonl'), 'other session');
    const parts = ['sess-1', '.claude-sessions/sess-1'];
    const packed = await packSession(root, parts);
    expect(packed.fileCount).toBe(2);
    const target = temp();
    expect(await unpackSession(packed.file, target, parts)).toEqual({ fileCount: 2, refused: [] });
    await packed.cleanup();
    expect(readFileSync(join(target, '.claude-sessions', 'sess-1', 't.jsonl'), 'utf8')).toBe('t');
    expect(unsafeEntryReason('.claude-sessions/sess-2/other.jsonl', 'File', parts)).toBe('outside the known session parts');
    expect(unsafeEntryReason('sess-10/x', 'File', parts)).toBe('outside the known session parts');
    await expect(packSession(root, ['../up'])).rejects.toThrow(/Invalid session part/);
  });
});
