/**
 * Issue tests 3 and 4: SSE events arrive while the agent works and end with one `result` event
 * equal to the JSON reply; `/ping` is HealthyBusy during a run and Healthy after, and
 * `time_of_last_update` moves only when the status changes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentEventSchema, agentResponseSchema } from '@agentcore-claude/protocol';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { newSessionId, postInvocation, streamInvocation } from '../support/invocations.js';
import { bash, startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel, type ScriptStep } from '../support/scripted-model.js';

let model: ScriptedModel;
let server: RunningAgentServer;

beforeAll(async () => {
  model = await startScriptedModel();
  server = await startAgentServer(model.anthropicEnv());
});
afterAll(async () => {
  await server?.stop();
  await model?.stop();
});

/** Text + Write, then Bash, then final text; the last turn waits so progress visibly precedes the result. */
function script(finalDelayMs = 0): ScriptStep[] {
  return [
    (r) => toolTurn([write(join(workingDirectory(r), 'app.js'), 'console.log(1)\n')], 'Creating app.js'),
    toolTurn([bash('node app.js', 'run the app')]),
    textTurn('Created and ran app.js.', finalDelayMs),
  ];
}

const ping = async (): Promise<{ status: string; time_of_last_update: number }> => (await fetch(`${server.url}/ping`)).json() as never;

describe('streaming (Accept: text/event-stream)', () => {
  it('sends progress events before the final result event, which equals the JSON reply', async () => {
    model.setScript(script(800));
    const sessionId = newSessionId('stream');
    const { status, contentType, events } = await streamInvocation(server.url, { prompt: 'make and run app.js' }, sessionId);
    expect(status).toBe(200);
    expect(contentType).toContain('text/event-stream');

    const types = events.map((e) => e.event.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('result');
    expect(types.filter((t) => t === 'result')).toHaveLength(1);
    for (const { event } of events) expect(() => agentEventSchema.parse(event)).not.toThrow();

    const byType = (type: string) => events.filter((e) => e.event.type === type);
    expect(byType('init')[0]!.event.claude_session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(byType('text').map((e) => e.event.text)).toEqual(['Creating app.js', 'Created and ran app.js.']);
    expect(byType('tool_use').map((e) => [e.event.name, e.event.summary])).toEqual([['Write', 'app.js'], ['Bash', 'node app.js']]);
    expect(byType('tool_result').map((e) => [e.event.name, e.event.is_error])).toEqual([['Write', false], ['Bash', false]]);
    expect(byType('tool_result')[1]!.event.summary).toBe('1');

    // Progress arrived well before the result (the last model turn waited 800 ms).
    const result = events.at(-1)!;
    const lastProgress = byType('tool_result').at(-1)!;
    expect(result.at - lastProgress.at).toBeGreaterThan(500);

    // The result event is the JSON reply: same schema, same fields as a non-streaming call.
    const { type, ...streamed } = result.event;
    expect(type).toBe('result');
    expect(agentResponseSchema.parse(streamed)).toBeTruthy();
    expect(streamed.result).toBe('Created and ran app.js.');
    expect(streamed.session.runtime_session_id).toBe(sessionId);
    expect(streamed.files.map((f: { file_name: string }) => f.file_name)).toEqual(['app.js']);

    model.setScript(script());
    const reply = await postInvocation(server.url, { prompt: 'make and run app.js' }, newSessionId('json'));
    expect(reply.status).toBe(200);
    expect(Object.keys(streamed).sort()).toEqual(Object.keys(reply.body).sort());
    expect(Object.keys(streamed.session).sort()).toEqual(Object.keys(reply.body.session).sort());
    // Per-invocation values (ids, paths, the transcript's size) differ; everything else is the same.
    expect(streamed.transcript.file_name).toBe('transcript.jsonl');
    expect(reply.body.transcript.file_name).toBe('transcript.jsonl');
    expect({ ...streamed, session: undefined, output: undefined, transcript: undefined, files: streamed.files.map((f: object) => ({ ...f, local_path: undefined })) })
      .toEqual({ ...reply.body, session: undefined, output: undefined, transcript: undefined, files: reply.body.files.map((f: object) => ({ ...f, local_path: undefined })) });
  });
});

describe('/ping health', () => {
  it('is HealthyBusy during a run and Healthy after; time_of_last_update changes only with the status', async () => {
    const idle = await ping();
    expect(idle.status).toBe('Healthy');
    // Idle for over a second: the timestamp does not move.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await ping()).toEqual(idle);

    model.setScript([textTurn('thinking done', 2500)]);
    const run = postInvocation(server.url, { prompt: 'take your time' }, newSessionId('busy'));
    await new Promise((r) => setTimeout(r, 800));
    const busy = await ping();
    expect(busy.status).toBe('HealthyBusy');
    expect(busy.time_of_last_update).toBeGreaterThan(idle.time_of_last_update);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await ping()).toEqual(busy);

    const reply = await run;
    expect(reply.status).toBe(200);
    const after = await ping();
    expect(after.status).toBe('Healthy');
    expect(after.time_of_last_update).toBeGreaterThanOrEqual(busy.time_of_last_update + 1);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await ping()).toEqual(after);
  });
});

describe('one invocation at a time per session', () => {
  it('refuses a second concurrent invocation in the same session with 409', async () => {
    model.setScript([textTurn('slow', 1500)]);
    const session = newSessionId('busy-session');
    const first = postInvocation(server.url, { prompt: 'slow' }, session);
    await new Promise((r) => setTimeout(r, 400));
    const second = await postInvocation(server.url, { prompt: 'again' }, session);
    expect(second.status).toBe(409);
    expect(second.body.error).toContain(`Session ${session} is already running an invocation`);
    expect((await first).status).toBe(200);
  });
});

describe('SIGTERM', () => {
  it('stops accepting, aborts the running agent, sends its reply, and exits 0', async () => {
    const own = await startAgentServer(model.anthropicEnv());
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'partial.txt'), 'x\n')]), textTurn('never sent', 30_000)]);
    const events: string[] = [];
    let sawToolResult!: () => void;
    const toolResult = new Promise<void>((r) => (sawToolResult = r));
    const stream = streamInvocation(own.url, { prompt: 'slow' }, newSessionId('sigterm'), ({ event }) => {
      events.push(event.type);
      if (event.type === 'tool_result') sawToolResult();
    });
    await toolResult;
    const started = performance.now();
    own.child.kill('SIGTERM');
    const { events: received } = await stream;
    const result = received.at(-1)!.event;
    expect(result.type).toBe('result');
    expect(result.is_error).toBe(true);
    expect(result.subtype).toBe('error_aborted');
    expect(result.result).toContain('shutting down');
    // The file written before the stop stays on disk and is reported.
    expect(result.files.map((f: { file_name: string }) => f.file_name)).toEqual(['partial.txt']);
    const exit = await own.child;
    expect(exit.exitCode).toBe(0);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(own.output()).toContain('SIGTERM: stopping (running invocations: 1)');
    await own.stop();
  });
});
