/**
 * Colour goes through one rule (`src/io/colour.ts`), seen in a real terminal (tmux, read with its
 * colours: `capture-pane -e`): on a TTY the error printer and the prompts are coloured; with
 * `NO_COLOR=1` the same screens hold no escape sequence at all. No AWS is called: the error comes
 * before any call, and the prompt (two recorded deployments, which one?) is answered with Ctrl-C.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, requireBuiltBinary, tempDir } from '../support/ops-cli.js';
import { writeDeployments } from '../support/state.js';
import { openTerminal, type Terminal } from '../support/tmux.js';

const ESC = '\u001b';
let empty: { dir: string; cleanup: () => void };
let two: { dir: string; cleanup: () => void };
const terminals: Terminal[] = [];

function deployment(name: string) {
  return {
    version: 1 as const, name, region: 'us-east-1', account: '123456789012', stackName: name, bucket: `${name}-bucket`,
    repositoryUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}`, roleArn: `arn:aws:iam::123456789012:role/${name}`,
    imageTag: 'c-1', imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}:c-1`, model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    runtime: { name, id: `${name}-AbCdEf1234`, arn: `arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/${name}-AbCdEf1234`, version: '1' },
    createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

beforeAll(() => {
  requireBuiltBinary();
  empty = tempDir('colour-empty-');
  mkdirSync(join(empty.dir, '.git'));
  two = tempDir('colour-two-');
  mkdirSync(join(two.dir, '.git'));
  writeDeployments(two.dir, [deployment('alpha'), deployment('beta')]);
});
afterAll(async () => {
  await Promise.all(terminals.map((t) => t.close()));
  empty?.cleanup();
  two?.cleanup();
});

/** Run the CLI in a terminal with only the colour variables given (CI, FORCE_COLOR, NO_COLOR removed first). */
async function run(args: string[], cwd: string, colourEnv: string): Promise<Terminal> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const line = `env -u CI -u FORCE_COLOR -u NO_COLOR AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:1 ${colourEnv} ${[process.execPath, BIN, ...args].map(quote).join(' ')}; echo "EXIT=$?"; sleep 60`;
  const t = await openTerminal(line, cwd);
  terminals.push(t);
  return t;
}

describe('colour in a real terminal', () => {
  it('the error printer: red "error" on a TTY, no escape codes with NO_COLOR=1', async () => {
    const [coloured, plain] = await Promise.all([run(['info'], empty.dir, ''), run(['info'], empty.dir, 'NO_COLOR=1')]);
    await Promise.all([coloured.waitFor(/EXIT=2/), plain.waitFor(/EXIT=2/)]);
    expect(await coloured.styledScreen()).toContain(`${ESC}[31merror${ESC}[39m [NO_DEPLOYMENT]: `);
    const screen = await plain.styledScreen();
    expect(screen).toContain('error [NO_DEPLOYMENT]: ');
    expect(screen).not.toContain(ESC);
  });

  it('a prompt (@inquirer/prompts): coloured on a TTY, no escape codes with NO_COLOR=1', async () => {
    const [coloured, plain] = await Promise.all([run(['info'], two.dir, ''), run(['info'], two.dir, 'NO_COLOR=1')]);
    await Promise.all([coloured.waitFor(/which one\?/), plain.waitFor(/which one\?/)]);
    expect(await coloured.styledScreen()).toContain(ESC);
    const screen = await plain.styledScreen();
    expect(screen).toContain('alpha (us-east-1, account 123456789012)');
    expect(screen).not.toContain(ESC);
    await Promise.all([coloured.press('C-c'), plain.press('C-c')]);
    await Promise.all([coloured.waitFor(/EXIT=130/), plain.waitFor(/EXIT=130/)]);
    expect(await plain.styledScreen()).not.toContain(ESC);
  });
});
