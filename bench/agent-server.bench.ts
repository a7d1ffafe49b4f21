/**
 * Agent server overhead (issue 2 benchmark). Standalone: `npm run bench -- agent-server`.
 *
 * Peer, measured in the same run with the same scripted model and the same real Claude Code
 * binary: calling `query()` directly (fresh cwd and CLAUDE_CONFIG_DIR per run, as the server does
 * per session). Figures:
 *  1. wall time per invocation, p50/p95, server (HTTP JSON) vs direct query(), and the ratio;
 *  2. time to the first SSE event and to the `init` event, vs the direct run's first message;
 *  3. 16 concurrent invocations on one server: wall time and errors (must be 0).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '@anthropic-ai/claude-agent-sdk';
import { startAgentServer } from '../test/support/agent-server.js';
import { newSessionId, postInvocation, streamInvocation } from '../test/support/invocations.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write } from '../test/support/scripted-model.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CONCURRENT = 16;

const model = await startScriptedModel([
  (r) => toolTurn([write(join(workingDirectory(r), 'out.txt'), 'benchmark\n')]),
  textTurn('done'),
]);
const scratch = mkdtempSync(join(tmpdir(), 'bench-agent-'));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const ms = (n: number): string => `${n.toFixed(0)} ms`;

async function direct(i: number): Promise<{ total: number; first: number }> {
  const cwd = mkdtempSync(join(scratch, `direct-${i}-`));
  const configDir = mkdtempSync(join(scratch, `config-${i}-`));
  const started = performance.now();
  let first = NaN;
  let ok = false;
  for await (const message of query({
    prompt: 'write out.txt',
    options: {
      cwd,
      env: { ...process.env, ...model.anthropicEnv(), CLAUDE_CONFIG_DIR: configDir },
      permissionMode: 'acceptEdits',
      allowedTools: ['Bash', 'Read', 'Write', 'Edit', 'Glob', 'Grep', 'WebFetch', 'WebSearch', 'TodoWrite'],
      maxTurns: 50,
      systemPrompt: { type: 'preset', preset: 'claude_code' },
    },
  })) {
    if (Number.isNaN(first)) first = performance.now() - started;
    if (message.type === 'result') ok = !message.is_error;
  }
  if (!ok) throw new Error('direct query() run failed');
  return { total: performance.now() - started, first };
}

const server = await startAgentServer(model.anthropicEnv());
try {
  // Warm-up (binary pages into the cache) for both.
  await direct(-1);
  await postInvocation(server.url, { prompt: 'warm up' }, newSessionId('warm'));

  const directTimes: number[] = [];
  const directFirst: number[] = [];
  const serverTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const d = await direct(i);
    directTimes.push(d.total);
    directFirst.push(d.first);
    const started = performance.now();
    const reply = await postInvocation(server.url, { prompt: 'write out.txt' }, newSessionId('seq'));
    if (reply.status !== 200) throw new Error(`server run failed: ${JSON.stringify(reply.body)}`);
    serverTimes.push(performance.now() - started);
  }

  const firstEvent: number[] = [];
  const initEvent: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { events } = await streamInvocation(server.url, { prompt: 'write out.txt' }, newSessionId('sse'));
    firstEvent.push(events[0]!.at);
    initEvent.push(events.find((e) => e.event.type === 'init')!.at);
  }

  const concurrentStart = performance.now();
  const replies = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) => postInvocation(server.url, { prompt: 'write out.txt' }, newSessionId(`c${i}`)).catch((e: Error) => ({ status: 0, body: { error: e.message } }))),
  );
  const concurrentWall = performance.now() - concurrentStart;
  const errors = replies.filter((r) => r.status !== 200 || r.body.is_error !== false || r.body.files?.length !== 1);

  const d50 = percentile(directTimes, 50);
  const d95 = percentile(directTimes, 95);
  const s50 = percentile(serverTimes, 50);
  const s95 = percentile(serverTimes, 95);
  console.log(`runs: ${RUNS} sequential each (1 Write tool turn + 1 text turn, scripted model on loopback)`);
  console.log(`direct query()        p50 ${ms(d50)}  p95 ${ms(d95)}`);
  console.log(`agent server (JSON)   p50 ${ms(s50)}  p95 ${ms(s95)}`);
  console.log(`overhead              p50 ${ms(s50 - d50)}  p95 ${ms(s95 - d95)}  ratio p50 ${(s50 / d50).toFixed(2)}x  p95 ${(s95 / d95).toFixed(2)}x`);
  console.log(`first SSE event       p50 ${ms(percentile(firstEvent, 50))}  p95 ${ms(percentile(firstEvent, 95))}`);
  console.log(`SSE init event        p50 ${ms(percentile(initEvent, 50))}  p95 ${ms(percentile(initEvent, 95))}  (direct first message p50 ${ms(percentile(directFirst, 50))})`);
  console.log(`${CONCURRENT} concurrent      wall ${ms(concurrentWall)}  errors ${errors.length}  (sequential p50 × ${CONCURRENT} = ${ms(s50 * CONCURRENT)})`);
  if (errors.length > 0) {
    console.error(JSON.stringify(errors.slice(0, 3), null, 2));
    process.exitCode = 1;
  }
} finally {
  await server.stop();
  await model.stop();
  rmSync(scratch, { recursive: true, force: true });
}
