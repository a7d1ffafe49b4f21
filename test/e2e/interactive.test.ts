/**
 * The interactive prompts driven through a real pseudo-terminal (tmux), as a person would:
 * the `download` run picker (pick the SECOND run → its files arrive, nothing else), and
 * the `destroy` confirmation (Enter = default No → nothing deleted).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '../support/moto.js';
import { BIN, cliEnv, requireBuiltBinary, tempDir } from '../support/ops-cli.js';
import { motoClients, putObjects, seedDeployment, type Seeded } from '../support/seed-deployment.js';
import { readDeployments } from '../support/state.js';
import { openTerminal, shellLine, type Terminal } from '../support/tmux.js';

let moto: Moto;
let env: Record<string, string>;
let work: { dir: string; cleanup: () => void };
let seeded: Seeded;
const terminals: Terminal[] = [];

beforeAll(async () => {
  requireBuiltBinary();
  moto = await startMoto();
  env = cliEnv(moto.env, { PATH: process.env.PATH ?? '' });
  work = tempDir();
  seeded = await seedDeployment(moto.env, work.dir);
  await putObjects(moto.env, seeded.state.bucket, {
    'outputs/20250301_100000/newest.txt': 'newest',
    'outputs/20250201_100000/second/one.txt': 'second session, file one',
    'outputs/20250201_100000/two.txt': 'second session, file two',
    'outputs/20250101_100000/oldest.txt': 'oldest',
  });
});
afterAll(async () => {
  await Promise.all(terminals.map((t) => t.close()));
  await moto?.stop();
  work?.cleanup();
});

async function terminal(argv: string[]): Promise<Terminal> {
  const t = await openTerminal(shellLine([process.execPath, BIN, ...argv], env), work.dir);
  terminals.push(t);
  return t;
}

describe('interactive prompts in a terminal', () => {
  it('download: the picker lists runs newest first; picking the second downloads exactly it', async () => {
    const t = await terminal(['download', '--out', 'picked']);
    const screen = await t.waitFor(/The outputs of which runs/);
    // Newest first: the second line of choices is 20250201_100000.
    expect(screen.indexOf('20250301_100000')).toBeLessThan(screen.indexOf('20250201_100000'));
    expect(screen.indexOf('20250201_100000')).toBeLessThan(screen.indexOf('20250101_100000'));
    await t.press('Down', 'Space', 'Enter');
    await t.waitFor(/EXIT=\d+/, 30_000);
    expect(await t.screen()).toMatch(/EXIT=0/);
    const out = join(work.dir, 'picked');
    expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual(['20250201_100000']);
    expect(readFileSync(join(out, '20250201_100000/second/one.txt'), 'utf8')).toBe('second session, file one');
    expect(readFileSync(join(out, '20250201_100000/two.txt'), 'utf8')).toBe('second session, file two');
  });

  it('destroy: the confirmation says what will be lost and defaults to No', async () => {
    const t = await terminal(['destroy']);
    const screen = await t.waitFor(/Destroy this deployment\?/);
    expect(screen).toMatch(/4 stored object\(s\) and 1 image\(s\) will be lost/);
    expect(screen).toMatch(/\(y\/N\)/);
    await t.press('Enter');
    await t.waitFor(/EXIT=\d+/);
    expect(await t.screen()).toMatch(/Cancelled: nothing was deleted[\s\S]*EXIT=130/);
    const runtime = await motoClients(moto.env).control.send(new GetAgentRuntimeCommand({ agentRuntimeId: seeded.state.runtime.id }));
    expect(runtime.status).toBe('READY');
    expect(readDeployments(work.dir).map((d) => d.name)).toEqual([seeded.state.name]);
  });
});
