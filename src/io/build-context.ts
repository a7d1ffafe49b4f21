/**
 * Reads a docker build context the way `docker build` sends it: every file under the directory
 * except those matched by its `.dockerignore` (Docker's pattern rules, via @balena/dockerignore),
 * plus never `node_modules/`, `dist/` or `.git/` (local install/build output).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import dockerignore from '@balena/dockerignore';
import yazl from 'yazl';
import { contentTag, isAlwaysExcluded, type ContextFile } from '../core/content-tag.js';
import { CliError, ExitCode } from '../core/errors.js';

/**
 * The files of the build context in `dir` (POSIX relative paths), with their bytes. Symbolic links
 * contribute their target path, not the target's content. `modes`: also read each file's mode.
 * @throws CliError (exit 2) when `dir` does not exist or has no Dockerfile.
 */
export async function readBuildContext(dir: string, options: { modes?: boolean } = {}): Promise<ContextFile[]> {
  if (!existsSync(join(dir, 'Dockerfile'))) {
    throw new CliError(`No Dockerfile in the build context ${dir}.`, {
      exitCode: ExitCode.Usage,
      hint: 'Pass --context <dir> pointing at the agent container directory (it holds the Dockerfile).',
      code: 'NO_DOCKERFILE',
    });
  }
  const ignoreFile = join(dir, '.dockerignore');
  // The package is CommonJS with `factory.default = factory` for TypeScript's sake.
  const ignoreText = existsSync(ignoreFile) ? await readFile(ignoreFile, 'utf8') : '';
  const matcher = dockerignore.default().add(ignoreText);
  // Exceptions (`!pattern`): docker build still walks into an excluded directory when an exception
  // pattern starts with that directory's path (moby pkg/archive TarWithOptions; BuildKit fsutil).
  const exceptions = ignoreText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).trim().replace(/^\/+/, ''));
  const hasExceptionBelow = (path: string) => exceptions.some((pattern) => `${pattern}/`.startsWith(`${path}/`));
  const files: ContextFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (isAlwaysExcluded(path)) continue;
      // The Dockerfile and .dockerignore are sent even when .dockerignore lists them (Docker docs,
      // ".dockerignore files": "still sent to the daemon because it needs them to do its job").
      const alwaysSent = path === 'Dockerfile' || path === '.dockerignore';
      if (!alwaysSent && matcher.ignores(path) && !(entry.isDirectory() && hasExceptionBelow(path))) continue;
      const mode = options.modes ? { mode: (await lstat(join(dir, path))).mode } : {};
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) files.push({ path, content: `symlink:${await readlink(join(dir, path))}`, ...mode });
      else if (entry.isFile()) files.push({ path, content: await readFile(join(dir, path)), ...mode });
    }
  };
  await walk('');
  return files;
}

/** The content tag of the build context in `dir` (see {@link contentTag}). */
export async function buildContextTag(dir: string): Promise<string> {
  return contentTag(await readBuildContext(dir));
}

/** Timestamp of every zip entry: the same context always gives the same bytes. */
const ZIP_MTIME = new Date('2026-01-01T00:00:00Z');

/**
 * Zip the build context of `dir` (exactly the files {@link readBuildContext} reads: `.dockerignore`
 * honoured) into `out` with yazl, keeping POSIX modes (scripts stay executable in the image) and
 * symbolic links, for a build that runs elsewhere (`deploy --build codebuild`).
 * @returns the number of files and the zip's size in bytes.
 * @throws CliError (exit 2) as readBuildContext does.
 */
export async function zipBuildContext(dir: string, out: string): Promise<{ files: number; bytes: number }> {
  const files = await readBuildContext(dir, { modes: true });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const zip = new yazl.ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(out));
  for (const file of files) {
    const permissions = (file.mode ?? 0o644) & 0o7777;
    if (typeof file.content === 'string') {
      // A symlink entry: the S_IFLNK type bits, the target path as content.
      zip.addBuffer(Buffer.from(file.content.slice('symlink:'.length)), file.path, { mode: 0o120000 | permissions, mtime: ZIP_MTIME, compress: false });
    } else {
      zip.addBuffer(Buffer.from(file.content), file.path, { mode: 0o100000 | permissions, mtime: ZIP_MTIME });
    }
  }
  zip.end();
  await written;
  return { files: files.length, bytes: (await stat(out)).size };
}
