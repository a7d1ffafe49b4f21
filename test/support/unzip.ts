/**
 * Read and extract zips with yauzl, as AgentCore's managed runtime would unpack a code package:
 * every entry's POSIX mode (external attributes, high 16 bits) applied, symbolic links recreated.
 */
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface ZipEntryInfo {
  name: string;
  /** POSIX mode with type bits (0o100755, 0o120777, 0o040755, …). */
  mode: number;
  size: number;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((ok, fail) => yauzl.open(path, { lazyEntries: true }, (error, zip) => (error ? fail(error) : ok(zip!))));
}

function readStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((ok, fail) => zip.openReadStream(entry, (error, stream) => (error ? fail(error) : ok(stream!))));
}

/** Visit each entry of the zip at `path` in order; `visit` may read the entry's content. */
export async function eachEntry(path: string, visit: (entry: ZipEntryInfo, content: () => Promise<Buffer>) => Promise<void>): Promise<void> {
  const zip = await openZip(path);
  await new Promise<void>((ok, fail) => {
    zip.on('error', fail);
    zip.on('end', ok);
    zip.on('entry', (entry: yauzl.Entry) => {
      const info = { name: entry.fileName, mode: (entry.externalFileAttributes >>> 16) & 0xffff, size: entry.uncompressedSize };
      const content = async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of await readStream(zip, entry)) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      };
      visit(info, content).then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
  zip.close();
}

/** Extract the zip at `path` into `dir` (created), applying modes and recreating symlinks. Refuses entries outside `dir`. */
export async function extractZip(path: string, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const root = resolve(dir);
  let count = 0;
  const zip = await openZip(path);
  await new Promise<void>((ok, fail) => {
    zip.on('error', fail);
    zip.on('end', ok);
    zip.on('entry', (entry: yauzl.Entry) => {
      const work = async () => {
        const target = resolve(join(root, entry.fileName));
        if (target !== root && !target.startsWith(root + sep)) throw new Error(`zip entry outside the target: ${entry.fileName}`);
        const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
        const type = mode & 0o170000;
        count += 1;
        if (entry.fileName.endsWith('/') || type === 0o040000) {
          await mkdir(target, { recursive: true });
          if (mode & 0o777) await chmod(target, mode & 0o7777);
          return;
        }
        await mkdir(dirname(target), { recursive: true });
        const stream = await readStream(zip, entry);
        if (type === 0o120000) {
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          await symlink(Buffer.concat(chunks).toString(), target);
          return;
        }
        await pipeline(stream, createWriteStream(target));
        if (mode & 0o777) await chmod(target, mode & 0o7777);
      };
      work().then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
  zip.close();
  return count;
}
