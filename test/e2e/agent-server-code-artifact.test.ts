/**
 * The agent server as a direct code deployment runs it (`AGENT_ARTIFACT=code`, set by
 * `deploy --artifact code`): the managed Node.js runtime has no git, so a `repo` payload is refused
 * up front with a 400 naming `--artifact container`, and a plain prompt still runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { newSessionId, postInvocation } from '../support/invocations.js';
import { startScriptedModel, textTurn, type ScriptedModel } from '../support/scripted-model.js';

let model: ScriptedModel;
let server: RunningAgentServer;

beforeAll(async () => {
  model = await startScriptedModel();
  server = await startAgentServer({ ...model.anthropicEnv(), AGENT_ARTIFACT: 'code' });
});
afterAll(async () => {
  await server?.stop();
  await model?.stop();
});

describe('agent server with AGENT_ARTIFACT=code', () => {
  it('refuses a repository workspace with 400 and names --artifact container; the model is never called', async () => {
    const before = model.requests.length;
    const reply = await postInvocation(server.url, { prompt: 'fix the bug', repo: 'https://github.com/octocat/Hello-World.git' }, newSessionId('code-repo'));
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/git/);
    expect(reply.body.details).toMatchObject({ artifact: 'code' });
    expect(JSON.stringify(reply.body.details)).toContain('--artifact container');
    expect(model.requests.length).toBe(before);
  });

  it('still runs a prompt without a repository', async () => {
    model.setScript([textTurn('done without git')]);
    const reply = await postInvocation(server.url, { prompt: 'say hi' }, newSessionId('code-plain'));
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.result).toContain('done without git');
  });
});
