import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../container/src/response.js';
import { RunRegistry } from '../../container/src/runs.js';

function reply(isError: boolean, files: string[]): AgentResponse {
  return {
    result: isError ? 'boom' : 'done',
    is_error: isError,
    subtype: isError ? 'error_during_execution' : 'success',
    session: { runtime_session_id: 's', claude_session_id: 'c', invocation_id: 'i', duration_ms: 5, num_turns: 3, total_cost_usd: 0, usage: null },
    files: files.map((file_name) => ({ file_name, size: 1, s3_url: null, console_url: null, local_path: `/w/${file_name}` })),
    upload_errors: [],
    output: { location: 'local', path: '/w', reason: 'test' },
  };
}

describe('RunRegistry', () => {
  it('tracks a run from running to succeeded', () => {
    const runs = new RunRegistry();
    expect(runs.get('s')).toBeUndefined();
    runs.start('s', 'i1');
    runs.observe('s', { type: 'text', text: 'working' });
    runs.observe('s', { type: 'tool_use', id: 't1', name: 'Write', summary: 'app.py' });
    runs.observe('s', { type: 'tool_use', id: 't2', name: 'Bash', summary: 'python app.py' });
    runs.observe('s', { type: 'tool_use', id: 't3', name: 'Write', summary: 'app.py' });
    expect(runs.get('s')).toMatchObject({ status: 'running', turns: 3, files_so_far: ['app.py'], last_event: { type: 'tool_use', id: 't3' }, finished_at: null });
    runs.finish('s', reply(false, ['app.py', 'README.md']));
    expect(runs.get('s')).toMatchObject({ status: 'succeeded', files_so_far: ['app.py', 'README.md'], response: { result: 'done' } });
    expect(runs.get('s')!.finished_at).not.toBeNull();
  });

  it('marks failures and refuses a second concurrent run in the same session', () => {
    const runs = new RunRegistry();
    runs.start('s', 'i1');
    expect(() => runs.start('s', 'i2')).toThrow(/already has a run in progress \(invocation i1\)/);
    expect(runs.isRunning('s')).toBe(true);
    runs.finish('s', reply(true, []));
    expect(runs.get('s')!.status).toBe('failed');
    expect(runs.start('s', 'i3').invocation_id).toBe('i3');
  });
});
