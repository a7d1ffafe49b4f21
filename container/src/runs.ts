/**
 * Runs of this agent server, per runtime session: what `{"action":"status"}` reports, and what
 * lets an asynchronous invocation (`"async": true`) keep working after its reply was sent.
 *
 * Only the latest run of each runtime session is kept (a session runs one invocation at a time).
 * State is in memory: a status request reaches the same microVM as the run because AgentCore
 * routes every request of a runtime session to that session's microVM.
 */
import type { AgentEvent } from './vendor/protocol/events.js';
import type { AgentResponse } from './vendor/protocol/reply.js';
import type { RunState } from './vendor/protocol/run-status.js';

export type { RunState, RunStatus } from './vendor/protocol/run-status.js';

export class RunRegistry {
  private readonly runs = new Map<string, RunState>();

  /**
   * Record a new run for the session.
   * @throws Error when the session already has a run in progress (AgentCore sends one request at
   *   a time per session; a second concurrent one would share the workspace).
   */
  start(runtimeSessionId: string, invocationId: string): RunState {
    const current = this.runs.get(runtimeSessionId);
    if (current?.status === 'running') {
      throw new Error(`runtime session ${runtimeSessionId} already has a run in progress (invocation ${current.invocation_id})`);
    }
    const state: RunState = {
      runtime_session_id: runtimeSessionId,
      invocation_id: invocationId,
      status: 'running',
      started_at: new Date().toISOString(),
      finished_at: null,
      turns: 0,
      last_event: null,
      files_so_far: [],
      response: null,
    };
    this.runs.set(runtimeSessionId, state);
    return state;
  }

  /** Fold one progress event into the session's run. */
  observe(runtimeSessionId: string, event: AgentEvent): void {
    const state = this.runs.get(runtimeSessionId);
    if (!state || event.type === 'result') return;
    state.last_event = event;
    if (event.type === 'tool_use') {
      state.turns += 1;
      if (['Write', 'Edit', 'MultiEdit', 'NotebookEdit'].includes(event.name) && event.summary && !state.files_so_far.includes(event.summary)) {
        state.files_so_far.push(event.summary);
      }
    }
  }

  /** Mark the run done with its reply. */
  finish(runtimeSessionId: string, response: AgentResponse): void {
    const state = this.runs.get(runtimeSessionId);
    if (!state) return;
    state.status = response.is_error ? 'failed' : 'succeeded';
    state.finished_at = new Date().toISOString();
    state.turns = Math.max(state.turns, response.session.num_turns);
    state.files_so_far = response.files.map((f) => f.file_name);
    state.response = response;
  }

  /** The session's latest run, or undefined when this server has not run one for it. */
  get(runtimeSessionId: string): RunState | undefined {
    return this.runs.get(runtimeSessionId);
  }

  /** True when the session has a run in progress. */
  isRunning(runtimeSessionId: string): boolean {
    return this.runs.get(runtimeSessionId)?.status === 'running';
  }
}
