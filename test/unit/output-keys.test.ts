import { describe, expect, it } from 'vitest';
import { checkOutputKey, isFolderMarker, isInside, localPathFor } from '../../src/core/output-keys.js';

describe('checkOutputKey', () => {
  const refused: Array<[string, RegExp]> = [
    ['outputs/x/../../evil', /"\.\." path segment/],
    ['outputs/../evil', /"\.\." path segment/],
    ['outputs/x/./a', /"\." path segment/],
    ['outputs/x//etc/passwd', /empty path segment/],
    ['outputs//etc/passwd', /empty path segment/],
    ['outputs/x/a\\..\\b', /backslash/],
    ['outputs/x/C:/Windows/win.ini', /drive letter/],
    ['outputs/x/c:evil', /drive letter/],
    ['outputs/x/a\0b', /NUL/],
    ['outputs/x/a\nb', /control character/],
    ['outputs/x/' + 'a'.repeat(256), /longer than 255/],
    ['outputs/file.txt', /not inside a session folder/],
    ['other/x/file.txt', /not under outputs\//],
    ['/outputs/x/file', /not under outputs\//],
  ];
  it.each(refused)('refuses %j', (key, reason) => {
    const result = checkOutputKey(key);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  const accepted: Array<[string, string, string[]]> = [
    ['outputs/20250101_120000/a.txt', '20250101_120000', ['a.txt']],
    ['outputs/20250101_120000_fix/src/deep/x.ts', '20250101_120000_fix', ['src', 'deep', 'x.ts']],
    ['outputs/s/..hidden', 's', ['..hidden']],
    ['outputs/s/a..b', 's', ['a..b']],
    ['outputs/s/ünï cødé.md', 's', ['ünï cødé.md']],
    ['outputs/s/' + 'a'.repeat(255), 's', ['a'.repeat(255)]],
  ];
  it.each(accepted)('accepts %j', (key, session, segments) => {
    expect(checkOutputKey(key)).toEqual({ ok: true, session, segments });
  });
});

describe('localPathFor', () => {
  it('puts the file under <out>/<session>/', () => {
    expect(localPathFor('/tmp/out', 's', ['a', 'b.txt'])).toBe('/tmp/out/s/a/b.txt');
  });
  it('throws if a path would escape (defence in depth)', () => {
    expect(() => localPathFor('/tmp/out', 's', ['..', '..', 'evil'])).toThrow(/outside/);
    expect(() => localPathFor('/tmp/out', '..', ['evil'])).toThrow(/outside/);
    expect(() => localPathFor('/tmp/out', 's', ['/etc/passwd'])).toThrow(/outside/);
  });
});

describe('isInside / isFolderMarker', () => {
  it('tells inside from outside and the root itself', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(false);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
  });
  it('recognises empty folder placeholders only', () => {
    expect(isFolderMarker('outputs/s/dir/', 0)).toBe(true);
    expect(isFolderMarker('outputs/s/dir/', 3)).toBe(false);
    expect(isFolderMarker('outputs/s/file', 0)).toBe(false);
    expect(isFolderMarker('outputs/s//', 0)).toBe(false);
  });
});
