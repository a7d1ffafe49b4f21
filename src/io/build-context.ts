/**
 * Reads a docker build context the way `docker build` sends it: every file under the directory
 * except those matched by its `.dockerignore` (Docker's pattern rules, via @balena/dockerignore),
 * plus never `node_modules/`, `dist/` or `.git/` (local install/build output).
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { contentTag, isAlwaysExcluded, type ContextFile } from '../core/content-tag.js';
import { CliError, ExitCode } from '../core/errors.js';

/**
 * The files of the build context in `dir` (POSIX relative paths), with their bytes. Symbolic links
 * contribute their target path, not the target's content.
 * @throws CliError (exit 2) when `dir` does not exist or has no Dockerfile.
 */
export async function readBuildContext(dir: string): Promise<ContextFile[]> {
  if (!existsSync(join(dir, 'Dockerfile'))) {
    throw new CliError(`No Dockerfile in the build context ${dir}.`, {
      exitCode: ExitCode.Usage,
      hint: 'Pass --context <dir> pointing at the agent container directory (it holds the Dockerfile).',
      code: 'NO_DOCKERFILE',
    });
  }
  const ignoreFile = join(dir, '.dockerignore');
  // The package is CommonJS with `factory.default = factory` for TypeScript's sake.
  const matcher = dockerignore.default().add(existsSync(ignoreFile) ? await readFile(ignoreFile, 'utf8') : '');
  const files: ContextFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (isAlwaysExcluded(path) || matcher.ignores(path)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) files.push({ path, content: `symlink:${await readlink(join(dir, path))}` });
      else if (entry.isFile()) files.push({ path, content: await readFile(join(dir, path)) });
    }
  };
  await walk('');
  return files;
}

/** The content tag of the build context in `dir` (see {@link contentTag}). */
export async function buildContextTag(dir: string): Promise<string> {
  return contentTag(await readBuildContext(dir));
}
