/**
 * `download` end to end: the built binary against moto_server S3 seeded with runs' outputs,
 * including hostile keys that must be refused while the rest downloads.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '../support/moto.js';
import { BIN, cliEnv, requireBuiltBinary, runCli, tempDir } from '../support/ops-cli.js';
import { putObjects, seedDeployment } from '../support/seed-deployment.js';
import { readDeployments, writeDeployments } from '../support/state.js';

let moto: Moto;
let env: Record<string, string>;
let bucket: string;
let work: { dir: string; cleanup: () => void };
let cwd: string;

const SESSIONS = {
  'outputs/20250101_090000/old.txt': 'oldest session',
  'outputs/20250102_100000_fix/src/app.ts': 'export const x = 1;\n',
  'outputs/20250102_100000_fix/README.md': '# fix\n',
  'outputs/20250103_110000/report.md': 'newest report',
  'outputs/20250103_110000/data/result.json': '{"ok":true}',
};
const HOSTILE = {
  'outputs/20250103_110000/../../evil': 'evil',
  'outputs/20250103_110000//etc/passwd': 'root:x:0:0',
  'outputs/20250103_110000/a\\..\\b': 'backslash',
  'outputs/../escape': 'escape',
};

/** Every file under `dir`, relative, sorted (the manifest excluded). */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .filter((f) => f !== '.agentcore-claude-downloads.json')
    .sort();
}

beforeAll(async () => {
  requireBuiltBinary();
  moto = await startMoto();
  env = cliEnv(moto.env);
  work = tempDir();
  const seeded = await seedDeployment(moto.env, work.dir);
  bucket = seeded.state.bucket;
  await putObjects(moto.env, bucket, { ...SESSIONS, ...HOSTILE });
});
afterAll(async () => {
  await moto?.stop();
  work?.cleanup();
});

let n = 0;
beforeEach(() => {
  // A fresh project per test (its own .git bounds the search for state), sharing the seeded deployment.
  n += 1;
  cwd = join(work.dir, `case-${n}`);
  mkdirSync(join(cwd, '.git'), { recursive: true });
  writeDeployments(cwd, readDeployments(work.dir));
});

describe('download', () => {
  it('--list --json lists runs newest first with file counts and sizes', async () => {
    const r = await runCli(['download', '--list', '--json'], { cwd, env });
    expect(r.exitCode).toBe(0);
    const { runs } = JSON.parse(r.stdout);
    expect(runs.map((s: { name: string }) => s.name)).toEqual(['20250103_110000', '20250102_100000_fix', '20250101_090000']);
    expect(runs[1]).toMatchObject({ file_count: 2, total_bytes: 'export const x = 1;\n'.length + '# fix\n'.length, timestamp: '2025-01-02T10:00:00.000Z' });
    expect(runs[0].refused_count).toBe(3);
  });

  it('without a TTY and without a selection flag: a usage error naming the flags (exit 2), nothing written', async () => {
    const r = await runCli(['download'], { cwd, env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--latest/);
    expect(r.stderr).toMatch(/--run/);
    expect(r.stderr).toMatch(/--all/);
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
  });

  it('--run downloads exactly that run, keeping relative paths', async () => {
    const r = await runCli(['download', '--run', '20250102_100000_fix', '--json'], { cwd, env });
    expect(r.exitCode).toBe(0);
    expect(filesUnder(join(cwd, 'outputs'))).toEqual(['20250102_100000_fix/README.md', '20250102_100000_fix/src/app.ts']);
    expect(readFileSync(join(cwd, 'outputs/20250102_100000_fix/src/app.ts'), 'utf8')).toBe('export const x = 1;\n');
    expect(JSON.parse(r.stdout)).toMatchObject({ runs: ['20250102_100000_fix'], downloaded: 2, skipped: 0, refused: [], failed: [] });
  });

  it('--run that matches nothing is a usage error', async () => {
    const r = await runCli(['download', '--run', '1999'], { cwd, env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/No run matches "1999"/);
  });

  it('--session, the old name of --run, still selects a run and says it is deprecated', async () => {
    const r = await runCli(['download', '--session', '20250101_090000', '--out', 'old-flag', '--json'], { cwd, env });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/download --session is deprecated.*use --run/);
    expect(JSON.parse(r.stdout)).toMatchObject({ runs: ['20250101_090000'], downloaded: 1 });
    expect(filesUnder(join(cwd, 'old-flag'))).toEqual(['20250101_090000/old.txt']);
  });

  it('--help names --run, not the deprecated --session', async () => {
    const r = await runCli(['download', '--help'], { cwd, env });
    expect(r.stdout).toMatch(/--run <name>/);
    expect(r.stdout).not.toMatch(/--session/);
  });

  it('--latest refuses the hostile keys of the newest session, downloads the rest, exit 4, nothing outside --out', async () => {
    const r = await runCli(['download', '--latest', '--out', 'dl', '--json'], { cwd, env });
    expect(r.exitCode).toBe(4);
    expect(filesUnder(join(cwd, 'dl'))).toEqual(['20250103_110000/data/result.json', '20250103_110000/report.md']);
    const summary = JSON.parse(r.stdout);
    expect(summary.refused.map((x: { key: string }) => x.key).sort()).toEqual(
      ['outputs/20250103_110000/../../evil', 'outputs/20250103_110000//etc/passwd', 'outputs/20250103_110000/a\\..\\b'].sort(),
    );
    expect(r.stderr).toMatch(/refused object key "outputs\/20250103_110000\/\.\.\/\.\.\/evil"/);
    // Nothing escaped: the working directory holds only its state, .git and the chosen --out.
    expect(readdirSync(cwd).sort()).toEqual(['.agentcore-claude', '.git', 'dl']);
    expect(existsSync(join(work.dir, 'evil'))).toBe(false);
    expect(existsSync(join(cwd, 'escape'))).toBe(false);
  });

  it('a symbolic link inside --out cannot lead a write (or a mkdir) outside it', async () => {
    const outside = join(cwd, 'outside');
    mkdirSync(outside);
    mkdirSync(join(cwd, 'outputs'));
    symlinkSync(outside, join(cwd, 'outputs', '20250102_100000_fix'));
    const r = await runCli(['download', '--run', '20250102_100000_fix', '--json'], { cwd, env });
    expect(r.exitCode).toBe(4);
    expect(JSON.parse(r.stdout).refused.map((x: { key: string }) => x.key).sort()).toEqual([
      'outputs/20250102_100000_fix/README.md',
      'outputs/20250102_100000_fix/src/app.ts',
    ]);
    expect(r.stderr).toMatch(/resolves outside/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("a symbolic link at a file's place is replaced, never written through", async () => {
    const target = join(cwd, 'precious.txt');
    writeFileSync(target, 'keep me');
    mkdirSync(join(cwd, 'outputs/20250101_090000'), { recursive: true });
    symlinkSync(target, join(cwd, 'outputs/20250101_090000/old.txt'));
    const r = await runCli(['download', '--run', '20250101_090000'], { cwd, env });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(lstatSync(join(cwd, 'outputs/20250101_090000/old.txt')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(cwd, 'outputs/20250101_090000/old.txt'), 'utf8')).toBe('oldest session');
  });

  it('--all downloads every session, refuses all hostile keys, and a re-run skips unchanged files', async () => {
    const first = await runCli(['download', '--all', '--json'], { cwd, env });
    expect(first.exitCode).toBe(4);
    expect(JSON.parse(first.stdout)).toMatchObject({ downloaded: 5, skipped: 0, bytes: Object.values(SESSIONS).join('').length });
    expect(JSON.parse(first.stdout).refused).toHaveLength(4);
    expect(filesUnder(join(cwd, 'outputs'))).toHaveLength(5);
    const report = join(cwd, 'outputs/20250103_110000/report.md');
    const before = statSync(report).mtimeMs;
    const manifest = join(cwd, 'outputs/.agentcore-claude-downloads.json');
    const manifestBefore = statSync(manifest).ino;

    const again = await runCli(['download', '--all', '--json'], { cwd, env });
    expect(again.exitCode).toBe(4);
    expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: 0, skipped: 5, bytes: 0 });
    expect(statSync(report).mtimeMs).toBe(before);
    // Nothing downloaded, nothing written: the manifest is the same file (a rewrite renames a new one in).
    expect(statSync(manifest).ino).toBe(manifestBefore);

    // A changed local file is not identical any more: downloaded again, restored.
    writeFileSync(report, 'locally edited');
    const third = await runCli(['download', '--all', '--json'], { cwd, env });
    expect(JSON.parse(third.stdout)).toMatchObject({ downloaded: 1, skipped: 4 });
    expect(readFileSync(report, 'utf8')).toBe('newest report');
    // No temp files remain anywhere.
    expect(filesUnder(join(cwd, 'outputs')).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('--bucket works without a recorded deployment; no deployment and no flag is a usage error', async () => {
    rmSync(join(cwd, '.agentcore-claude'), { recursive: true });
    const missing = await runCli(['download', '--latest'], { cwd, env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/agentcore-claude deploy/);
    expect(missing.stderr).toMatch(/--bucket/);
    const r = await runCli(['download', '--run', '20250101_090000', '--bucket', bucket], { cwd, env });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'outputs/20250101_090000/old.txt'), 'utf8')).toBe('oldest session');
  });

  it('Ctrl-C during a download exits 130 and leaves no partial file; a re-run completes', async () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 150; i += 1) many[`outputs/20240101_000000/big/f${i}.bin`] = new Uint8Array(256 * 1024).fill(i);
    await putObjects(moto.env, bucket, many);
    const child = execa('node', [BIN, 'download', '--run', '20240101_000000', '--concurrency', '1'], { cwd, env, reject: false, stdin: 'ignore' });
    const dir = join(cwd, 'outputs/20240101_000000/big');
    const deadline = Date.now() + 20_000;
    while (!(existsSync(dir) && readdirSync(dir).filter((f) => !f.endsWith('.part')).length >= 3)) {
      if (Date.now() > deadline) throw new Error('download never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/Interrupted/);
    const files = readdirSync(dir, { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('.part'))).toEqual([]);
    expect(files.length).toBeLessThan(150);
    for (const f of files) expect(statSync(join(dir, f)).size).toBe(256 * 1024);

    const rerun = await runCli(['download', '--run', '20240101_000000', '--json'], { cwd, env });
    expect(rerun.exitCode).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ downloaded: 150 - files.length, skipped: files.length });
  });
});
