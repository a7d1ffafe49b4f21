/**
 * Budgets and cost on the agent server, with the real Claude Code binary and the scripted model
 * reporting token usage that Claude Code prices (issue 12): a run whose estimated cost passes
 * `max_budget_usd` stops midway with subtype `error_max_budget_usd`, says so, and still delivers
 * what it wrote; the server's `MAX_BUDGET_USD` is the default; progress carries `usage` events;
 * the session record sums the cost of its invocations.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_MAIN, startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { execa } from 'execa';
import { tmpdir } from 'node:os';
import { durableStatus, newSessionId, postInvocation, streamInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel, type Turn } from '../support/scripted-model.js';

let model: ScriptedModel;
let moto: Moto;
let bucket: TestBucket;
const servers: RunningAgentServer[] = [];

async function server(extra: Record<string, string> = {}): Promise<RunningAgentServer> {
  const started = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: bucket.name, CLAUDE_CODE_MAX_RETRIES: '0', ...extra });
  servers.push(started);
  return started;
}

beforeAll(async () => {
  [model, moto] = await Promise.all([startScriptedModel(), startMoto()]);
  bucket = await createTestBucket(moto, 'budget-outputs');
});
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await Promise.all([model?.stop(), moto?.stop()]);
});

/**
 * A turn that reports 100,000 input tokens: at least $0.08 at any Claude price list ($0.80/M and up),
 * and within every context window (so no compaction).
 */
const expensive = (turn: Turn): Turn => ({ ...turn, usage: { input_tokens: 100_000, output_tokens: 1_000 } });

/** A cheap tool turn, then tool turns that each cost about a dollar, then a final text. */
function costlyScript(): void {
  model.setScript([
    (r) => toolTurn([write(join(workingDirectory(r), 'first.txt'), 'one\n')]),
    (r) => expensive(toolTurn([write(join(workingDirectory(r), 'second.txt'), 'two\n')])),
    (r) => expensive(toolTurn([write(join(workingDirectory(r), 'third.txt'), 'three\n')])),
    textTurn('all done'),
  ]);
}

describe('max_budget_usd', () => {
  it('stops the run midway with error_max_budget_usd, says so, and delivers what was written', async () => {
    const agent = await server();
    const session = newSessionId('budget');
    costlyScript();
    const { events } = await streamInvocation(agent.url, { prompt: 'spend', max_budget_usd: 0.05 }, session);
    const reply = events.at(-1)!.event;
    expect(reply.type).toBe('result');
    expect(reply.is_error).toBe(true);
    expect(reply.subtype).toBe('error_max_budget_usd');
    expect(reply.result).toMatch(/max_budget_usd \(\$0\.05\)/);
    expect(reply.result).toMatch(/delivered/);
    expect(reply.session.max_budget_usd).toBe(0.05);
    expect(reply.session.total_cost_usd).toBeGreaterThan(0.05);
    // Stopped midway: not every turn ran.
    expect(model.requests.length).toBeLessThan(4);
    const names = reply.files.map((f: { file_name: string }) => f.file_name);
    expect(names).toContain('first.txt');
    expect(names).not.toContain('third.txt');
    const first = reply.files.find((f: { file_name: string }) => f.file_name === 'first.txt');
    expect(await bucket.read(first.s3_url.replace(`s3://${bucket.name}/`, ''))).toBe('one\n');
    // Live tokens: usage events before the result, growing.
    const usage = events.filter((e) => e.event.type === 'usage').map((e) => e.event);
    expect(usage.length).toBeGreaterThan(0);
    expect(usage.at(-1).input_tokens).toBeGreaterThanOrEqual(100_000);
  });

  it('MAX_BUDGET_USD is the default budget; a payload budget overrides it', async () => {
    const agent = await server({ MAX_BUDGET_USD: '0.02' });
    costlyScript();
    const stopped = await postInvocation(agent.url, { prompt: 'spend' }, newSessionId('default-budget'));
    expect(stopped.body.subtype).toBe('error_max_budget_usd');
    expect(stopped.body.session.max_budget_usd).toBe(0.02);
    costlyScript();
    const generous = await postInvocation(agent.url, { prompt: 'spend', max_budget_usd: 100 }, newSessionId('big-budget'));
    expect(generous.status, JSON.stringify(generous.body)).toBe(200);
    expect(generous.body.subtype).toBe('success');
    expect(generous.body.session.max_budget_usd).toBe(100);
  });

  it('an invalid MAX_BUDGET_USD stops the server at start-up, naming the variable and the payload\'s limit', async () => {
    for (const bad of ['20000', 'ten', '0', '-1']) {
      const run = await execa(process.execPath, [SERVER_MAIN], {
        env: { ...process.env, PORT: '0', WORKSPACE_ROOT: join(tmpdir(), `budget-start-${process.pid}`), MAX_BUDGET_USD: bad },
        reject: false,
        timeout: 60_000,
      });
      expect(run.exitCode, run.stderr).not.toBe(0);
      expect(run.stderr).toContain(`MAX_BUDGET_USD must be a number of US dollars greater than 0 and at most 10000 (as the payload's max_budget_usd), got "${bad}"`);
    }
  });

  it('an invalid max_budget_usd is refused with the field named, before anything runs', async () => {
    const agent = await server();
    for (const bad of [0, -1, 'ten', 1e9]) {
      const reply = await postInvocation(agent.url, { prompt: 'x', max_budget_usd: bad }, newSessionId('bad-budget'));
      expect(reply.status).toBe(400);
      expect(reply.body.details.issues[0].field).toBe('max_budget_usd');
    }
  });

  it('the session record sums the cost of its invocations', async () => {
    const agent = await server();
    const session = newSessionId('summed');
    model.setScript([expensive(textTurn('one'))]);
    const first = await postInvocation(agent.url, { prompt: 'a' }, session);
    await durableStatus(agent.url, session);
    model.setScript([expensive(textTurn('two'))]);
    const second = await postInvocation(agent.url, { prompt: 'b' }, session);
    await durableStatus(agent.url, session);
    const record = JSON.parse(await bucket.read(`sessions/${session}.json`));
    expect(record.invocations).toBe(2);
    expect(first.body.session.total_cost_usd).toBeGreaterThan(0);
    expect(record.total_cost_usd).toBeCloseTo(first.body.session.total_cost_usd + second.body.session.total_cost_usd, 5);
  });
});
