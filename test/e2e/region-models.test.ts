/**
 * A local run on Amazon Bedrock calls only the region's inference profiles (packages/protocol
 * models.ts): in eu-central-1 only eu. ids, for the `haiku` alias (Claude Code's background /
 * small-fast model) and the `sonnet` alias, and for any background request; in ap-southeast-2 the
 * Australian au. profile, where Claude Code left to itself asks for apac. (measured with the
 * bundled Claude Code: without the pins that test fails). `invoke --local` pins
 * ANTHROPIC_DEFAULT_*_MODEL / ANTHROPIC_SMALL_FAST_MODEL. Real Claude Code binary,
 * scripted model (its `requests` record every model id asked for).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, requireBuilt } from '../support/agent-server.js';
import { freePort } from '../support/ports.js';
import { startScriptedModel, textTurn, type ScriptedModel } from '../support/scripted-model.js';

let model: ScriptedModel;
let home: string;

beforeAll(async () => {
  requireBuilt();
  model = await startScriptedModel();
  home = mkdtempSync(join(tmpdir(), 'region-models-'));
});
afterAll(async () => {
  await model?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('invoke --local on Bedrock: Claude Code calls only the region\'s profiles', () => {
  /** One `invoke --local` with `--model <alias>`; returns the model ids the scripted model was asked for. */
  async function run(alias: string, region = 'eu-central-1'): Promise<string[]> {
    const { ANTHROPIC_MODEL: _unset, ...bedrock } = model.bedrockEnv('unused', region);
    model.setScript([textTurn(`Answered by ${alias}.`)]);
    const port = await freePort();
    const result = await execa(process.execPath, [CLI_BIN, 'invoke', '--local', '--url', `http://127.0.0.1:${port}`, '--json', '--model', alias, 'Say hello'], {
      cwd: home,
      env: { PATH: process.env.PATH ?? '', HOME: home, CI: 'true', ...bedrock },
      extendEnv: false,
      reject: false,
      timeout: 120_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).result).toBe(`Answered by ${alias}.`);
    return model.requests.map((r) => r.model);
  }

  it('the haiku alias (also the background model) resolves to the eu. Haiku 4.5 profile, never a us. one', async () => {
    const models = await run('haiku');
    expect(models).toContain('eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(models.filter((id) => !id.startsWith('eu.'))).toEqual([]);
  }, 150_000);

  it('in ap-southeast-2 the haiku alias is the au. profile (Claude Code alone picks apac.)', async () => {
    const models = await run('haiku', 'ap-southeast-2');
    expect(models).toContain('au.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(models.filter((id) => !id.startsWith('au.'))).toEqual([]);
  }, 150_000);

  it('the sonnet alias resolves to the eu. Sonnet 4.5 profile, and every request (background ones too) is eu.', async () => {
    const models = await run('sonnet');
    expect(models).toContain('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(models.filter((id) => !id.startsWith('eu.'))).toEqual([]);
  }, 150_000);
});
