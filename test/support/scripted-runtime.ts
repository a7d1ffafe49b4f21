/**
 * An "AgentCore runtime" whose agent answers as each test scripts: the data-plane stand-in in
 * front of a scripted HTTP upstream, and a real BedrockAgentCoreClient pointed at it (one attempt,
 * so scripted AWS errors surface at once).
 */
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startDataPlane, type DataPlaneStandIn } from './agentcore-dataplane.js';
import { sendJson, startHttpUpstream, type HttpUpstream } from './http-upstream.js';

export const TEST_RUNTIME_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/agentcore_claude-AbCdEf1234';

export interface ScriptedRuntime {
  upstream: HttpUpstream;
  dataPlane: DataPlaneStandIn;
  client: BedrockAgentCoreClient;
  /** Forget recorded requests and scripted errors; the agent answers 200 `{result, is_error:false}`. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startScriptedRuntime(arn = TEST_RUNTIME_ARN): Promise<ScriptedRuntime> {
  const upstream = await startHttpUpstream();
  const dataPlane = await startDataPlane({ [arn]: upstream.url });
  const client = new BedrockAgentCoreClient({
    region: 'us-east-1',
    endpoint: dataPlane.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    upstream,
    dataPlane,
    client,
    reset() {
      dataPlane.fail(undefined);
      dataPlane.invocations.length = 0;
      upstream.requests.length = 0;
      upstream.answer((_req, res) => sendJson(res, 200, { result: 'done', is_error: false }));
    },
    async stop() {
      client.destroy();
      await dataPlane.stop();
      await upstream.stop();
    },
  };
}

/**
 * One scripted runtime for a test file: started before all tests, reset before each, stopped after
 * all. Read its parts through the returned object once the suite runs.
 */
export function scriptedRuntimeForSuite(arn = TEST_RUNTIME_ARN): ScriptedRuntime {
  let runtime: ScriptedRuntime | undefined;
  beforeAll(async () => {
    runtime = await startScriptedRuntime(arn);
  });
  afterAll(() => runtime?.stop());
  beforeEach(() => runtime!.reset());
  const current = (): ScriptedRuntime => {
    if (!runtime) throw new Error('The scripted runtime is only available while the suite runs.');
    return runtime;
  };
  return {
    get upstream() {
      return current().upstream;
    },
    get dataPlane() {
      return current().dataPlane;
    },
    get client() {
      return current().client;
    },
    reset: () => current().reset(),
    stop: () => current().stop(),
  };
}
