import { query } from '@anthropic-ai/claude-agent-sdk';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedModel } from './scripted-model.js';
const model = await startScriptedModel([{ httpError: { status: Number(process.argv[2] ?? 401), message: 'invalid x-api-key' } }]);
const cwd = mkdtempSync(join(tmpdir(), 'ws-'));
const cfg = mkdtempSync(join(tmpdir(), 'cfg-'));
const t0 = Date.now();
const env = { ...process.env, CLAUDE_CONFIG_DIR: cfg, ...model.anthropicEnv(), CLAUDE_CODE_MAX_RETRIES: '0' };
try {
for await (const m of query({ prompt: 'hi', options: { cwd, env, permissionMode: 'acceptEdits', maxTurns: 5, stderr: (d) => process.stderr.write('STDERR ' + d) } })) {
  console.log(Date.now() - t0, m.type, (m as any).subtype ?? '', JSON.stringify(m).slice(0, 400));
}
} catch (e) { console.log('THROWN', Date.now() - t0, String(e)); }
console.log(model.requests.length);
await model.stop();
