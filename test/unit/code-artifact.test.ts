/**
 * The code artifact's pure rules (tag, key, size limit, plan, runtime differences) and the zip
 * writer (POSIX modes and symbolic links survive, read back with yauzl).
 */
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCodePackageSize, codePackageKey, codePackageTag, MAX_CODE_ZIP_BYTES } from '../../src/core/code-artifact.js';
import { planDeploy, runtimeDifferences, type PlanInput, type RuntimeConfig } from '../../src/core/plan.js';
import { zipDirectory } from '../../src/engine/code-package.js';
import { eachEntry } from '../support/unzip.js';

describe('code package tag and key', () => {
  const files = [
    { path: 'package.json', content: '{"type":"module"}' },
    { path: 'dist/main.js', content: 'console.log(1)' },
  ];
  it('same inputs in any order → same tag; one byte changed → another tag; the key is code/<tag>.zip', () => {
    const tag = codePackageTag(files);
    expect(tag).toMatch(/^c-[0-9a-f]{20}$/);
    expect(codePackageTag([...files].reverse())).toBe(tag);
    expect(codePackageTag([files[0]!, { path: 'dist/main.js', content: 'console.log(2)' }])).not.toBe(tag);
    expect(codePackageKey(tag)).toBe(`code/${tag}.zip`);
  });
  it('the package tag differs from the plain content tag of the same files (the recipe is part of it)', async () => {
    const { contentTag } = await import('../../src/core/content-tag.js');
    expect(codePackageTag(files)).not.toBe(contentTag(files));
  });
});

describe('checkCodePackageSize', () => {
  it('accepts the limit itself, refuses one byte more with the sizes and --artifact container', () => {
    expect(() => checkCodePackageSize(MAX_CODE_ZIP_BYTES)).not.toThrow();
    let error: any;
    try {
      checkCodePackageSize(MAX_CODE_ZIP_BYTES + 1);
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe('CODE_PACKAGE_TOO_LARGE');
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/250\.0 MiB/);
    expect(error?.hint).toContain('--artifact container');
  });
});

describe('zipDirectory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-modes-'));
    await mkdir(join(dir, 'src', 'node_modules', 'pkg', 'bin'), { recursive: true });
    await writeFile(join(dir, 'src', 'node_modules', 'pkg', 'bin', 'claude'), '#!/bin/sh\necho hi\n');
    await chmod(join(dir, 'src', 'node_modules', 'pkg', 'bin', 'claude'), 0o755);
    await writeFile(join(dir, 'src', 'package.json'), '{}');
    await chmod(join(dir, 'src', 'package.json'), 0o644);
    await symlink('../pkg/bin/claude', join(dir, 'src', 'node_modules', 'claude-link'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps each file mode (the executable stays executable), directories and symlinks', async () => {
    const out = join(dir, 'out.zip');
    const { entries, uncompressedBytes } = await zipDirectory(join(dir, 'src'), out);
    expect(entries).toBe(6); // node_modules, claude-link, pkg, bin, claude, package.json
    expect(uncompressedBytes).toBe('#!/bin/sh\necho hi\n'.length + 2);
    const seen = new Map<string, { mode: number; content?: string }>();
    await eachEntry(out, async (entry, content) => {
      seen.set(entry.name, { mode: entry.mode, content: entry.name.endsWith('/') ? undefined : (await content()).toString() });
    });
    expect(seen.get('node_modules/pkg/bin/claude')).toEqual({ mode: 0o100755, content: '#!/bin/sh\necho hi\n' });
    expect(seen.get('package.json')).toEqual({ mode: 0o100644, content: '{}' });
    expect(seen.get('node_modules/claude-link')).toMatchObject({ content: '../pkg/bin/claude' });
    expect(seen.get('node_modules/claude-link')!.mode & 0o170000).toBe(0o120000);
    expect(seen.get('node_modules/pkg/')!.mode & 0o170000).toBe(0o040000);
  });
});

describe('plan and runtime differences for the code artifact', () => {
  const code: RuntimeConfig = {
    code: { bucket: 'b', prefix: 'code/c-2.zip', runtime: 'NODE_22', entryPoint: ['dist/main.js'] },
    sessionStorageMountPath: '/mnt/workspace',
    roleArn: 'role',
    networkMode: 'PUBLIC',
    environment: { AGENT_ARTIFACT: 'code' },
  };
  it('container → code is an artifact change; another zip is a code change; moto not reporting the mount is no change', () => {
    expect(runtimeDifferences({ ...code, code: undefined, containerUri: 'r:c-1' }, code)).toContain('artifact');
    expect(runtimeDifferences({ ...code, code: { ...code.code!, prefix: 'code/c-1.zip' } }, code)).toEqual(['code']);
    expect(runtimeDifferences({ ...code, sessionStorageMountPath: undefined }, code)).toEqual([]);
    expect(runtimeDifferences({ ...code, sessionStorageMountPath: '/mnt/other' }, code)).toEqual(['filesystem']);
  });

  const input = (exists: boolean, bucket?: string): PlanInput => ({
    region: 'us-east-1',
    account: '1',
    agentName: 'a',
    runtimeName: 'a',
    model: 'm',
    imageTag: 'c-2',
    artifactType: 'code',
    codePackage: { key: 'code/c-2.zip', bucket, exists },
    stack: {
      current: bucket ? { status: 'CREATE_COMPLETE', templateBody: 't', parameters: {}, outputs: {} } : undefined,
      desired: { name: 's', templateBody: 't', parameters: {} },
      resources: [],
    },
    runtime: {},
  });
  it('artifact: upload when the bucket lacks the key (or is not known yet), reuse when it holds it; no image part', () => {
    expect(planDeploy(input(false)).artifact).toEqual({ type: 'code', action: 'upload', tag: 'c-2' });
    expect(planDeploy(input(false, 'b')).artifact).toEqual({ type: 'code', action: 'upload', tag: 'c-2', location: 's3://b/code/c-2.zip' });
    const reuse = planDeploy(input(true, 'b'));
    expect(reuse.artifact).toEqual({ type: 'code', action: 'reuse', tag: 'c-2', location: 's3://b/code/c-2.zip' });
    expect(reuse.image).toBeUndefined();
  });
});

describe('preflight without Docker', () => {
  it('no docker on PATH: NO_DOCKER, and the hint names the ways without Docker (--build codebuild, --artifact code)', async () => {
    const { checkDocker } = await import('../../src/engine/docker.js');
    const empty = await mkdtemp(join(tmpdir(), 'no-docker-'));
    const saved = process.env.PATH;
    process.env.PATH = empty;
    try {
      const error = await checkDocker().then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'NO_DOCKER', hint: expect.stringContaining('agentcore-claude deploy --artifact code') });
      expect((error as { hint: string }).hint).toContain('agentcore-claude deploy --build codebuild');
    } finally {
      process.env.PATH = saved;
      await rm(empty, { recursive: true, force: true });
    }
  });
});
