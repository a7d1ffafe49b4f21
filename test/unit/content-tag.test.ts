import { mkdtemp, mkdir, rm, writeFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentTag } from '../../src/core/content-tag.js';
import { buildContextTag, readBuildContext } from '../../src/io/build-context.js';

describe('contentTag', () => {
  const files = [
    { path: 'Dockerfile', content: 'FROM node:20\n' },
    { path: 'src/server.ts', content: 'export {}\n' },
    { path: 'package.json', content: '{}' },
  ];

  it('is stable and a valid ECR tag', () => {
    expect(contentTag(files)).toBe(contentTag(files.map((f) => ({ ...f }))));
    expect(contentTag(files)).toMatch(/^c-[0-9a-f]{20}$/);
  });
  it('does not depend on file order', () => {
    expect(contentTag([...files].reverse())).toBe(contentTag(files));
  });
  it('changes with one byte of content, a renamed file, an added or a removed file', () => {
    const base = contentTag(files);
    expect(contentTag([{ ...files[0]!, content: 'FROM node:21\n' }, files[1]!, files[2]!])).not.toBe(base);
    expect(contentTag([files[0]!, { ...files[1]!, path: 'src/main.ts' }, files[2]!])).not.toBe(base);
    expect(contentTag([...files, { path: 'x', content: '' }])).not.toBe(base);
    expect(contentTag(files.slice(1))).not.toBe(base);
  });
  it('does not confuse path/content boundaries', () => {
    expect(contentTag([{ path: 'ab', content: 'c' }])).not.toBe(contentTag([{ path: 'a', content: 'bc' }]));
  });
  it('treats strings and bytes alike', () => {
    expect(contentTag([{ path: 'a', content: Buffer.from('x') }])).toBe(contentTag([{ path: 'a', content: 'x' }]));
  });
});

describe('readBuildContext', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctx-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM node:20\n');
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'server.ts'), 'export {}\n');
    await writeFile(join(dir, 'notes.md'), 'notes');
    await writeFile(join(dir, '.dockerignore'), '*.md\nsecret/\n');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('lists files as POSIX relative paths, honouring .dockerignore and skipping node_modules/dist', async () => {
    await mkdir(join(dir, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'x', 'index.js'), '');
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'server.js'), '');
    await mkdir(join(dir, 'secret'));
    await writeFile(join(dir, 'secret', 'key'), 'k');
    await symlink('src/server.ts', join(dir, 'link'));
    const paths = (await readBuildContext(dir)).map((f) => f.path).sort();
    expect(paths).toEqual(['.dockerignore', 'Dockerfile', 'link', 'src/server.ts']);
  });

  it('re-includes a file that an exception (!) names inside an excluded directory, as docker build does', async () => {
    // Docker walks into an excluded directory when the .dockerignore has exceptions, and sends the
    // files an exception matches (Docker docs, "Build context" → ".dockerignore files", exceptions).
    await writeFile(join(dir, '.dockerignore'), 'docs\n!docs/keep.txt\n');
    await mkdir(join(dir, 'docs'));
    await writeFile(join(dir, 'docs', 'keep.txt'), 'kept');
    await writeFile(join(dir, 'docs', 'drop.txt'), 'dropped');
    const paths = (await readBuildContext(dir)).map((f) => f.path).sort();
    expect(paths).toEqual(['.dockerignore', 'Dockerfile', 'docs/keep.txt', 'notes.md', 'src/server.ts']);
  });

  it('keeps the Dockerfile and .dockerignore even when .dockerignore lists them (docker still sends both), so a Dockerfile change makes a new tag', async () => {
    // Docker docs, ".dockerignore files": you can exclude the Dockerfile and .dockerignore, and
    // "these files are still sent to the daemon because it needs them to do its job".
    await writeFile(join(dir, '.dockerignore'), 'Dockerfile\n.dockerignore\n*.md\n');
    const paths = (await readBuildContext(dir)).map((f) => f.path).sort();
    expect(paths).toEqual(['.dockerignore', 'Dockerfile', 'src/server.ts']);
    const first = await buildContextTag(dir);
    await writeFile(join(dir, 'Dockerfile'), 'FROM node:22\n');
    expect(await buildContextTag(dir)).not.toBe(first);
  });

  it('gives the same tag for the same sources and a new one when a file changes', async () => {
    const first = await buildContextTag(dir);
    expect(await buildContextTag(dir)).toBe(first);
    await writeFile(join(dir, 'notes.md'), 'ignored change');
    await mkdir(join(dir, 'node_modules'));
    await writeFile(join(dir, 'node_modules', 'junk'), 'x');
    expect(await buildContextTag(dir)).toBe(first);
    await writeFile(join(dir, 'src', 'server.ts'), 'export {};\n');
    expect(await buildContextTag(dir)).not.toBe(first);
  });

  it('refuses a directory without a Dockerfile, naming --context', async () => {
    await rm(join(dir, 'Dockerfile'));
    await expect(readBuildContext(dir)).rejects.toThrow(/No Dockerfile/);
    await expect(readBuildContext(dir)).rejects.toMatchObject({ hint: expect.stringContaining('--context') });
  });
});
