import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import {
  extractArchive,
  packPaths,
  peakRatio,
  RestoreRefusedError,
  sanitizeSettings,
  unpackInternalsFound,
  unsafeEntryReason,
  walkParts,
  type RestoreBudget,
} from '../../container/src/session-archive.js';
import { DEFAULT_SESSION_LIMITS, sessionExcludeFromEnv, sessionLimitsFromEnv, assertSessionKey, type SessionLimits } from '../../container/src/session-limits.js';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'archive-test-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) execFileSync('rm', ['-rf', dir]);
});

const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS };
const budget = (): RestoreBudget => ({ entries: 0, bytes: 0 });

/** Pack every path of the parts under `root` (what a base save writes). */
async function packAll(root: string, parts: string[], exclude: string[] = []) {
  const snapshot = await walkParts(root, parts, exclude);
  const file = join(temp(), 'a.tar.gz');
  const stats = await packPaths(root, snapshot, [...snapshot.keys()], file);
  return { file, stats, snapshot };
}

/** Extract a `.tar.gz` file (streamed) into a fresh staging dir. */
async function extractFile(file: string, parts: string[], l: SessionLimits = limits) {
  const staging = temp();
  const result = await extractArchive(createReadStream(file), staging, parts, l, budget());
  return { staging, result };
}

/** A raw tar entry (header + padded data), for crafting archives a save would never write. */
function entry(path: string, type: string, options: { size?: number; data?: Buffer; linkpath?: string; mode?: number } = {}): Buffer {
  const data = options.data ?? Buffer.alloc(0);
  const header = new Header({
    path,
    type: type as never,
    size: options.size ?? data.length,
    mode: options.mode ?? (type === 'Directory' ? 0o755 : 0o644),
    mtime: new Date(0),
    linkpath: options.linkpath,
  });
  const block = Buffer.alloc(512);
  header.encode(block, 0);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([block, padded]);
}
async function writeTemp(data: Buffer): Promise<string> {
  const file = join(temp(), 'archive.tar.gz');
  writeFileSync(file, data);
  return file;
}
function crafted(...entries: Buffer[]): Buffer {
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}
async function refusal(archive: Buffer, parts: string[], l: SessionLimits = limits): Promise<{ error: RestoreRefusedError; staging: string }> {
  const staging = temp();
  const error = await extractArchive(Readable.from([archive]), staging, parts, l, budget()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RestoreRefusedError);
  return { error: error as RestoreRefusedError, staging };
}

describe('unsafeEntryReason', () => {
  const parts = ['workspace', 'claude'];
  it.each([
    ['workspace/a.txt', 'File', undefined],
    ['workspace/dir/', 'Directory', undefined],
    ['claude/projects/x.jsonl', 'File', undefined],
    ['workspace/a\\b c:d', 'File', undefined],
    ['workspace/hard', 'Link', undefined],
    ['workspace/../../evil', 'File', 'has a .. segment'],
    ['/etc/passwd', 'File', 'absolute path'],
    ['C:/x', 'File', 'drive letter'],
    ['other/file', 'File', 'outside the known session parts'],
    ['workspace/link', 'SymbolicLink', 'entry type SymbolicLink is not allowed'],
    ['workspace/dev', 'CharacterDevice', 'entry type CharacterDevice is not allowed'],
    ['workspace/fifo', 'FIFO', 'entry type FIFO is not allowed'],
  ])('%s (%s) → %s', (path, type, reason) => {
    expect(unsafeEntryReason(path, type, parts)).toBe(reason);
  });
});

describe('limits from the environment', () => {
  it('reads RESTORE_* and SESSION_EXCLUDE, defaults for unset, rejects nonsense', () => {
    expect(sessionLimitsFromEnv({})).toEqual(DEFAULT_SESSION_LIMITS);
    expect(sessionLimitsFromEnv({ RESTORE_MAX_BYTES: '1000', RESTORE_MAX_ENTRIES: '10', RESTORE_MAX_RATIO: '50', RESTORE_MAX_FILE_BYTES: '' })).toEqual({
      maxBytes: 1000,
      maxEntries: 10,
      maxRatio: 50,
      maxFileBytes: DEFAULT_SESSION_LIMITS.maxFileBytes,
    });
    expect(() => sessionLimitsFromEnv({ RESTORE_MAX_BYTES: '-1' })).toThrow(/RESTORE_MAX_BYTES/);
    expect(sessionExcludeFromEnv({})).toContain('node_modules');
    expect(sessionExcludeFromEnv({ SESSION_EXCLUDE: '' })).toEqual([]);
    expect(sessionExcludeFromEnv({ SESSION_EXCLUDE: 'build, dist' })).toEqual(['build', 'dist']);
  });

  it('guards session keys', () => {
    expect(() => assertSessionKey('sess-1_a.b')).not.toThrow();
    for (const bad of ['', '..', 'a/b', '../x', 'a b', 'a\\b', 'x'.repeat(201)]) expect(() => assertSessionKey(bad)).toThrow(/Invalid session key/);
  });
});

describe('pack and extract', () => {
  it('round-trips files of every part: hard links, any POSIX name, modes without setuid; no symlinks or FIFOs', async () => {
    const root = temp();
    mkdirSync(join(root, 'workspace', 'src', 'deep'), { recursive: true });
    mkdirSync(join(root, 'claude', 'projects'), { recursive: true });
    writeFileSync(join(root, 'workspace', 'src', 'deep', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'workspace', 'naïve name.txt'), 'héllo');
    writeFileSync(join(root, 'workspace', 'back\\slash:colon\nnewline'), 'odd');
    writeFileSync(join(root, 'workspace', 'original'), 'linked');
    linkSync(join(root, 'workspace', 'original'), join(root, 'workspace', 'src', 'hardlink'));
    linkSync(join(root, 'workspace', 'original'), join(root, 'claude', 'cross-part'));
    writeFileSync(join(root, 'workspace', 'tool'), '#!/bin/sh\n');
    chmodSync(join(root, 'workspace', 'tool'), 0o4755);
    writeFileSync(join(root, 'claude', 'projects', 's.jsonl'), '{"turn":1}\n');
    symlinkSync('/etc/passwd', join(root, 'workspace', 'escape'));
    execFileSync('mkfifo', [join(root, 'workspace', 'fifo')]);
    writeFileSync(join(root, 'not-a-part.txt'), 'ignored');

    const { file, stats } = await packAll(root, ['workspace', 'claude', 'missing']);
    expect(stats.entries).toBe(13); // 5 dirs + 8 file names
    const { staging, result } = await extractFile(file, ['workspace', 'claude']);
    expect(result).toEqual({ files: 8, directories: 5, links: 1 });
    expect(readFileSync(join(staging, 'workspace', 'src', 'deep', 'a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(readFileSync(join(staging, 'workspace', 'naïve name.txt'), 'utf8')).toBe('héllo');
    expect(readFileSync(join(staging, 'workspace', 'back\\slash:colon\nnewline'), 'utf8')).toBe('odd');
    const original = statSync(join(staging, 'workspace', 'original'));
    expect(statSync(join(staging, 'workspace', 'src', 'hardlink')).ino).toBe(original.ino);
    expect(original.nlink).toBe(2);
    // Across parts a link is a copy.
    expect(readFileSync(join(staging, 'claude', 'cross-part'), 'utf8')).toBe('linked');
    expect(statSync(join(staging, 'claude', 'cross-part')).ino).not.toBe(original.ino);
    expect(statSync(join(staging, 'workspace', 'tool')).mode & 0o7777).toBe(0o755);
    expect(existsSync(join(staging, 'workspace', 'escape'))).toBe(false);
    expect(existsSync(join(staging, 'workspace', 'fifo'))).toBe(false);
    expect(existsSync(join(staging, 'not-a-part.txt'))).toBe(false);
  });

  it('packs a delta whose first path is a hard-linked file (node-tar pre-stat hang)', async () => {
    const root = temp();
    mkdirSync(join(root, 'w', 'src'), { recursive: true });
    writeFileSync(join(root, 'w', 'shared'), 'one');
    writeFileSync(join(root, 'w', 'src', 'f'), 'f');
    linkSync(join(root, 'w', 'shared'), join(root, 'w', 'src', 'shared-link'));
    const snapshot = await walkParts(root, ['w']);
    const file = join(temp(), 'delta.tar.gz');
    const stats = await packPaths(root, snapshot, ['w/shared', 'w/src/f', 'w/src/shared-link'], file);
    expect(stats).toMatchObject({ entries: 3, bytes: 4 });
    const { staging, result } = await extractFile(file, ['w']);
    expect(result).toEqual({ files: 3, directories: 0, links: 1 });
    expect(statSync(join(staging, 'w', 'src', 'shared-link')).ino).toBe(statSync(join(staging, 'w', 'shared')).ino);
  });

  it('leaves excluded folders out at any depth', async () => {
    const root = temp();
    mkdirSync(join(root, 'ws', 'node_modules', 'x'), { recursive: true });
    mkdirSync(join(root, 'ws', 'pkg', '__pycache__'), { recursive: true });
    writeFileSync(join(root, 'ws', 'node_modules', 'x', 'i.js'), '1');
    writeFileSync(join(root, 'ws', 'pkg', '__pycache__', 'a.pyc'), '1');
    writeFileSync(join(root, 'ws', 'pkg', 'a.py'), '1');
    const snapshot = await walkParts(root, ['ws'], ['node_modules', '__pycache__']);
    expect([...snapshot.keys()]).toEqual(['ws', 'ws/pkg', 'ws/pkg/a.py']);
  });

  it('measures the running compression ratio a restore will see', async () => {
    const root = temp();
    mkdirSync(join(root, 'ws'));
    writeFileSync(join(root, 'ws', 'zeros'), Buffer.alloc(16 * 1024 * 1024));
    const { file } = await packAll(root, ['ws']);
    expect(await peakRatio(file)).toBeGreaterThan(250);
    const error = await extractFile(file, ['ws']).then(
      () => undefined,
      (e: unknown) => e as RestoreRefusedError,
    );
    expect(error?.code).toBe('ratio');
  });
});

describe('crafted archives are refused as a whole', () => {
  const parts = ['ws', '.claude-sessions/ws'];
  const ok = entry('ws/', 'Directory');
  it.each([
    ['symlink', [ok, entry('ws/l', 'SymbolicLink', { linkpath: '/etc' })], 'entry-type'],
    ['character device', [ok, entry('ws/tty', 'CharacterDevice')], 'entry-type'],
    ['FIFO', [ok, entry('ws/p', 'FIFO')], 'entry-type'],
    ['.. escape', [ok, entry('ws/../../evil', 'File', { data: Buffer.from('x') })], 'unsafe-path'],
    ['absolute path', [ok, entry('/tmp/evil', 'File', { data: Buffer.from('x') })], 'unsafe-path'],
    ['outside the parts', [ok, entry('other/x', 'File', { data: Buffer.from('x') })], 'unsafe-path'],
    ['hard link out of the root', [ok, entry('ws/h', 'Link', { linkpath: '../../etc/passwd' })], 'link-target'],
    ['hard link to an absolute path', [ok, entry('ws/h', 'Link', { linkpath: '/etc/passwd' })], 'link-target'],
    ['hard link to a file not in the archive', [ok, entry('ws/h', 'Link', { linkpath: 'ws/missing' })], 'link-target'],
    [
      'hard link into another part',
      [ok, entry('.claude-sessions/ws/', 'Directory'), entry('.claude-sessions/ws/t', 'File', { data: Buffer.from('t') }), entry('ws/h', 'Link', { linkpath: '.claude-sessions/ws/t' })],
      'link-target',
    ],
    ['session folder stored as a file', [entry('ws', 'File', { data: Buffer.from('x') })], 'part-not-directory'],
    ['duplicate entries', [ok, entry('ws/a', 'File', { data: Buffer.from('1') }), entry('ws/a', 'File', { data: Buffer.from('2') })], 'duplicate-entry'],
    ['path below a file', [ok, entry('ws/a', 'File', { data: Buffer.from('1') }), entry('ws/a/b', 'File', { data: Buffer.from('2') })], 'unsafe-path'],
    ['huge entry (3.5 GB declared)', [ok, entry('ws/big', 'File', { size: 3.5 * 1024 ** 3 })], 'file-too-large'],
  ])('%s', async (_name, entries, code) => {
    const { error, staging } = await refusal(crafted(...entries), parts);
    expect(error.code).toBe(code);
    expect(existsSync(join(staging, '..', 'evil'))).toBe(false);
    expect(existsSync('/tmp/evil')).toBe(false);
  });

  it('anything but gzip (garbage, a plain tar) is refused; an empty gzip tar is an empty archive', async () => {
    expect((await refusal(randomBytes(4096), ['ws'])).error.code).toBe('corrupt');
    expect((await refusal(Buffer.concat([entry('ws/', 'Directory'), Buffer.alloc(1024)]), ['ws'])).error.code).toBe('corrupt');
    expect((await refusal(gzipSync(randomBytes(4096)), ['ws'])).error.code).toBe('corrupt');
    expect(await extractArchive(Readable.from([gzipSync(Buffer.alloc(1024))]), temp(), ['ws'], limits, budget())).toEqual({ files: 0, directories: 0, links: 0 });
  });

  it('a limit on entries and on total bytes, summed over a chain', async () => {
    const files = Array.from({ length: 11 }, (_, i) => entry(`ws/f${i}`, 'File', { data: Buffer.from('0123456789') }));
    expect((await refusal(crafted(entry('ws/', 'Directory'), ...files), ['ws'], { ...limits, maxEntries: 10 })).error.code).toBe('too-many-entries');
    expect((await refusal(crafted(entry('ws/', 'Directory'), ...files), ['ws'], { ...limits, maxBytes: 100 })).error.code).toBe('too-many-bytes');
    const shared = { entries: 0, bytes: 0 };
    const staging = temp();
    await extractArchive(Readable.from([crafted(entry('ws/', 'Directory'), ...files.slice(0, 6))]), staging, ['ws'], { ...limits, maxBytes: 100 }, shared);
    expect(shared).toEqual({ entries: 7, bytes: 60 });
    await expect(extractArchive(Readable.from([crafted(...files.slice(6))]), staging, ['ws'], { ...limits, maxBytes: 100 }, shared)).rejects.toMatchObject({
      code: 'too-many-bytes',
    });
  });

  it('a gzip bomb stops at the ratio limit without filling the disk', async () => {
    // 256 MiB of zeros in 8 files of 32 MiB, under the size limits: only the ratio stops it.
    const zeros = Buffer.alloc(32 * 1024 * 1024);
    const tarBody = [entry('ws/', 'Directory'), ...Array.from({ length: 8 }, (_, i) => entry(`ws/z${i}`, 'File', { data: zeros }))];
    const archive = crafted(...tarBody);
    expect(archive.length).toBeLessThan(1024 * 1024);
    const { error, staging } = await refusal(archive, ['ws']);
    expect(error.code).toBe('ratio');
    const names = existsSync(join(staging, 'ws')) ? readdirSync(join(staging, 'ws')) : [];
    const written = names.reduce((total, name) => total + statSync(join(staging, 'ws', name)).size, 0);
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('memory stays flat', () => {
  it('node-tar still has the internals the extraction uses to bound what it holds', () => {
    expect(unpackInternalsFound()).toBe(true);
  });

  it('extracts 5,000 entries holding at most a few in flight (throttled, reservations reset)', async () => {
    const files = Array.from({ length: 5000 }, (_, i) => entry(`ws/d${i % 10}/f${i}`, 'File', { data: Buffer.from('x') }));
    const dirs = Array.from({ length: 10 }, (_, i) => entry(`ws/d${i}/`, 'Directory'));
    const { staging } = await extractFile(await writeTemp(crafted(entry('ws/', 'Directory'), ...dirs, ...files)), ['ws']);
    expect(readdirSync(join(staging, 'ws', 'd3'))).toHaveLength(500);
  });
});

describe('a refused restore lets go of its files', () => {
  it('closes the file being written when a limit trips mid-archive (nothing keeps growing or stays open)', async () => {
    const zeros = Buffer.alloc(32 * 1024 * 1024);
    const archive = crafted(entry('ws/', 'Directory'), entry('ws/random', 'File', { data: randomBytes(2 * 1024 * 1024) }), entry('ws/zeros', 'File', { data: zeros }));
    // Delivered in 64 KiB chunks over time, as S3 does, so the refusal lands while a file is open.
    async function* slowly() {
      for (let i = 0; i < archive.length; i += 65536) {
        await new Promise((resolve) => setImmediate(resolve));
        yield archive.subarray(i, i + 65536);
      }
    }
    const staging = temp();
    const error = await extractArchive(Readable.from(slowly()), staging, ['ws'], { ...limits, maxRatio: 5 }, budget()).catch((e: unknown) => e);
    expect((error as RestoreRefusedError).code).toBe('ratio');
    const openInStaging = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(staging);
      } catch {
        return false;
      }
    });
    const deadline = Date.now() + 5000;
    while (openInStaging().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(openInStaging()).toEqual([]);
  });
});

describe('sanitizeSettings', () => {
  it('strips command-running keys from config-dir and project settings, drops unreadable ones', async () => {
    const staging = temp();
    mkdirSync(join(staging, '.claude-sessions', 'ws'), { recursive: true });
    mkdirSync(join(staging, 'ws', '.claude'), { recursive: true });
    const hooks = { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'touch /tmp/pwned' }] }] };
    writeFileSync(join(staging, '.claude-sessions', 'ws', 'settings.json'), JSON.stringify({ hooks, model: 'x', apiKeyHelper: '/bin/evil' }));
    writeFileSync(join(staging, '.claude-sessions', 'ws', 'settings.local.json'), '{not json');
    writeFileSync(join(staging, 'ws', '.claude', 'settings.local.json'), JSON.stringify({ statusLine: { type: 'command', command: 'x' }, permissions: { allow: [] } }));
    writeFileSync(join(staging, '.claude-sessions', 'ws', '.claude.json'), JSON.stringify({ mcpServers: { a: { command: 'x' } }, projects: { '/w': { mcpServers: {} } } }));
    writeFileSync(join(staging, 'ws', 'settings.json'), JSON.stringify({ plain: 'workspace file' }));
    const changed = await sanitizeSettings(staging, ['ws', '.claude-sessions/ws']);
    expect(changed).toEqual([
      { path: 'ws/.claude/settings.local.json', removed: ['statusLine'] },
      { path: '.claude-sessions/ws/.claude.json', removed: ['mcpServers', 'projects./w.mcpServers'] },
      { path: '.claude-sessions/ws/settings.json', removed: ['hooks', 'apiKeyHelper'] },
      { path: '.claude-sessions/ws/settings.local.json', removed: [], dropped: 'not valid JSON' },
    ]);
    expect(JSON.parse(readFileSync(join(staging, '.claude-sessions', 'ws', 'settings.json'), 'utf8'))).toEqual({ model: 'x' });
    expect(existsSync(join(staging, '.claude-sessions', 'ws', 'settings.local.json'))).toBe(false);
  });
});
