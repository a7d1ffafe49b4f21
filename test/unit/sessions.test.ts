import { describe, expect, it } from 'vitest';
import { formatBytes, groupSessions, selectSessions, sessionTimestamp, type OutputObject } from '../../src/core/sessions.js';

const obj = (key: string, size = 1, lastModified = new Date('2025-01-01T00:00:00Z')): OutputObject => ({ key, size, etag: 'e', lastModified });

describe('sessionTimestamp', () => {
  it('parses YYYYMMDD_HHMMSS (optionally with a suffix) as UTC', () => {
    expect(sessionTimestamp('20250131_142005')).toBe('2025-01-31T14:20:05.000Z');
    expect(sessionTimestamp('20250131_142005_fix-bug')).toBe('2025-01-31T14:20:05.000Z');
  });
  it('rejects invalid dates and other names', () => {
    expect(sessionTimestamp('20250231_120000')).toBeNull();
    expect(sessionTimestamp('20250101_250000')).toBeNull();
    expect(sessionTimestamp('20250101_1200001')).toBeNull();
    expect(sessionTimestamp('latest')).toBeNull();
  });
});

describe('groupSessions', () => {
  const listing = groupSessions([
    obj('outputs/20250101_120000/a.txt', 10),
    obj('outputs/20250103_090000_x/b/c.txt', 5),
    obj('outputs/20250103_090000_x/d.txt', 7),
    obj('outputs/20250102_000000/dir/', 0),
    obj('outputs/20250102_000000/e.txt', 1),
    obj('outputs/20250101_120000/../../evil', 3),
    obj('outputs/../x', 1),
    obj('outputs/loose.txt', 1),
    obj('outputs/notime/f', 2, new Date('2026-05-05T00:00:00Z')),
  ]);

  it('groups by session, newest first, with counts and sizes', () => {
    expect(listing.sessions.map((s) => [s.name, s.fileCount, s.totalBytes])).toEqual([
      ['notime', 1, 2],
      ['20250103_090000_x', 2, 12],
      ['20250102_000000', 1, 1],
      ['20250101_120000', 1, 10],
    ]);
  });
  it('falls back to LastModified for names without a timestamp', () => {
    expect(listing.sessions[0]!.timestamp).toBe('2026-05-05T00:00:00.000Z');
  });
  it('ignores folder markers and keeps refused keys with their session or as orphans', () => {
    expect(listing.sessions.find((s) => s.name === '20250102_000000')!.files.map((f) => f.key)).toEqual(['outputs/20250102_000000/e.txt']);
    expect(listing.sessions.find((s) => s.name === '20250101_120000')!.refused.map((r) => r.key)).toEqual(['outputs/20250101_120000/../../evil']);
    expect(listing.orphans.map((r) => r.key)).toEqual(['outputs/../x', 'outputs/loose.txt']);
  });
  it('keeps relative path segments', () => {
    const s = listing.sessions.find((x) => x.name === '20250103_090000_x')!;
    expect(s.files.map((f) => f.segments)).toEqual([['b', 'c.txt'], ['d.txt']]);
  });
});

describe('selectSessions', () => {
  const { sessions } = groupSessions([obj('outputs/20250101_120000/a'), obj('outputs/20250101_130000/a'), obj('outputs/20250201_000000/a')]);
  it('matches exact names (with or without outputs/ and a trailing slash) and prefixes', () => {
    expect(selectSessions(sessions, ['outputs/20250101_120000/']).selected.map((s) => s.name)).toEqual(['20250101_120000']);
    expect(selectSessions(sessions, ['202501']).selected.map((s) => s.name)).toEqual(['20250101_130000', '20250101_120000']);
  });
  it('reports values that match nothing', () => {
    expect(selectSessions(sessions, ['2024', '20250201_000000'])).toMatchObject({ unmatched: ['2024'] });
    expect(selectSessions(sessions, ['']).unmatched).toEqual(['']);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [64 * 1024 * 200, '12.5 MiB'],
  ])('%d → %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
