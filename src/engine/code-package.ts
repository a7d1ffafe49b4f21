/**
 * The code package of `deploy --artifact code` (AgentCore direct code deployment, see
 * core/code-artifact.ts for the rules and their AWS documentation):
 *
 *   <zip root>/package.json        the agent package's manifest ("type": "module")
 *   <zip root>/dist/**             the built agent server; entry point dist/main.js
 *   <zip root>/node_modules/**     production dependencies installed for linux/arm64
 *
 * Staged in a temp directory (`npm run install:arm64`, i.e. `npm ci --omit=dev --os=linux
 * --cpu=arm64 …`, in a copy of the package), zipped with yazl keeping each file's POSIX mode (the arm64 `claude` binary stays
 * executable) and symbolic links, with a fixed timestamp.
 */
import { createWriteStream } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import yazl from 'yazl';
import { ARM64_INSTALL_SCRIPT, CODE_ENTRY_POINT, codePackageTag } from '../core/code-artifact.js';
import type { ContextFile } from '../core/content-tag.js';
import { CliError, ExitCode } from '../core/errors.js';

/** Files of the agent package that go into the zip besides node_modules. */
const MANIFESTS = ['package.json', 'package-lock.json'];

/** Timestamp of every zip entry (a zip's DOS time starts in 1980): same files → same bytes. */
const ZIP_MTIME = new Date('2026-01-01T00:00:00Z');

/**
 * The package's inputs in `contextDir` (the agent's container/ directory): package.json,
 * package-lock.json and every file under dist/.
 * @throws CliError (exit 2) when dist/main.js or a manifest is missing, naming `npm run build`.
 */
export async function readCodeInputs(contextDir: string): Promise<ContextFile[]> {
  const entry = join(contextDir, ...CODE_ENTRY_POINT[0]!.split('/'));
  const missing = [entry, ...MANIFESTS.map((name) => join(contextDir, name))];
  for (const path of missing) {
    if (!(await stat(path).catch(() => undefined))) {
      throw new CliError(`The code package needs ${path}, which does not exist.`, {
        exitCode: ExitCode.Usage,
        hint: 'Build the agent server first (`npm run build` in the repository), or pass --context <dir> with a built container/ directory.',
        code: 'NO_AGENT_BUILD',
      });
    }
  }
  const files: ContextFile[] = [];
  for (const name of MANIFESTS) files.push({ path: name, content: await readFile(join(contextDir, name)) });
  const walk = async (relative: string): Promise<void> => {
    for (const item of await readdir(join(contextDir, relative), { withFileTypes: true })) {
      const path = `${relative}/${item.name}`;
      if (item.isDirectory()) await walk(path);
      else if (item.isFile()) files.push({ path, content: await readFile(join(contextDir, path)) });
    }
  };
  await walk('dist');
  return files;
}

/** The content tag of the code package built from `contextDir` (no staging needed). */
export async function codeTagOf(contextDir: string): Promise<string> {
  return codePackageTag(await readCodeInputs(contextDir));
}

export interface StagedPackage {
  /** The zip file (in a temp directory). */
  zipPath: string;
  /** Size of the zip in bytes. */
  bytes: number;
  /** Files and bytes before compression. */
  entries: number;
  uncompressedBytes: number;
  /** Milliseconds spent installing dependencies and zipping. */
  installMs: number;
  zipMs: number;
  /** Remove the temp directory. */
  cleanup(): Promise<void>;
}

/**
 * Stage and zip the code package of `contextDir`.
 * @param onLine each line npm prints (progress).
 * @throws CliError `NPM_INSTALL_FAILED` with npm's last lines when the install fails.
 */
export async function buildCodePackage(contextDir: string, onLine: (line: string) => void = () => undefined): Promise<StagedPackage> {
  await readCodeInputs(contextDir); // the same checks and errors as the plan
  const work = await mkdtemp(join(tmpdir(), 'agentcore-claude-code-'));
  const cleanup = () => rm(work, { recursive: true, force: true });
  try {
    const stage = join(work, 'package');
    await mkdir(stage);
    for (const name of MANIFESTS) await cp(join(contextDir, name), join(stage, name));
    await cp(join(contextDir, 'dist'), join(stage, 'dist'), { recursive: true });
    const installStart = Date.now();
    await installArm64(stage, onLine);
    const installMs = Date.now() - installStart;
    const zipStart = Date.now();
    const zipPath = join(work, 'package.zip');
    const { entries, uncompressedBytes } = await zipDirectory(stage, zipPath);
    const zipMs = Date.now() - zipStart;
    const { size } = await stat(zipPath);
    return { zipPath, bytes: size, entries, uncompressedBytes, installMs, zipMs, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * `npm run install:arm64` in `dir` (`npm ci --omit=dev --os=linux --cpu=arm64 --ignore-scripts …`,
 * defined once in container/package.json; see ARM64_INSTALL_SCRIPT).
 * @throws CliError `NPM_INSTALL_FAILED`.
 */
export async function installArm64(dir: string, onLine: (line: string) => void = () => undefined): Promise<void> {
  const tail: string[] = [];
  const child = execa('npm', ['run', ARM64_INSTALL_SCRIPT], { cwd: dir, reject: false, all: true, buffer: false, env: { npm_config_update_notifier: 'false' } });
  for await (const line of child.iterable({ from: 'all' })) {
    if (!line.trim()) continue;
    tail.push(line);
    if (tail.length > 20) tail.shift();
    onLine(line);
  }
  const result = await child;
  if (result.exitCode !== 0) {
    const why = (result as { code?: string }).code === 'ENOENT' ? 'npm is not installed' : `exit code ${result.exitCode}`;
    throw new CliError(`npm run ${ARM64_INSTALL_SCRIPT} failed (${why}):\n${tail.join('\n')}`, {
      hint: 'npm must reach its registry to install the arm64 dependencies; fix the error above, then run `agentcore-claude deploy` again.',
      code: 'NPM_INSTALL_FAILED',
    });
  }
}

/**
 * Zip every file, directory and symbolic link under `dir` into `out` (paths relative to `dir`,
 * sorted), each with its POSIX mode (yazl writes it in the external attributes, as Info-ZIP does).
 * @returns the number of entries and the bytes before compression.
 */
export async function zipDirectory(dir: string, out: string): Promise<{ entries: number; uncompressedBytes: number }> {
  const zip = new yazl.ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(out));
  let entries = 0;
  let uncompressedBytes = 0;
  const walk = async (relative: string): Promise<void> => {
    const names = (await readdir(join(dir, relative))).sort();
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const full = join(dir, path);
      const info = await lstat(full);
      entries += 1;
      if (info.isSymbolicLink()) {
        // A symlink entry: mode with the S_IFLNK type bits, the target path as content.
        zip.addBuffer(Buffer.from(await readlink(full)), path, { mode: 0o120000 | (info.mode & 0o777), mtime: ZIP_MTIME, compress: false });
      } else if (info.isDirectory()) {
        zip.addEmptyDirectory(path, { mode: 0o040000 | (info.mode & 0o7777), mtime: ZIP_MTIME });
        await walk(path);
      } else if (info.isFile()) {
        uncompressedBytes += info.size;
        zip.addFile(full, path, { mode: 0o100000 | (info.mode & 0o7777), mtime: ZIP_MTIME });
      }
    }
  };
  try {
    await walk('');
  } finally {
    zip.end();
  }
  await written;
  return { entries, uncompressedBytes };
}
