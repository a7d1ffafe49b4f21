import { describe, expect, it } from 'vitest';
import { buildContextKey, buildFailedError, failedPhase, isBuildComplete, phaseLines, type BuildStatusView } from '../../src/core/codebuild.js';
import { ExitCode } from '../../src/core/errors.js';

const phase = (phaseType: string, phaseStatus?: string, contexts: Array<{ statusCode?: string; message?: string }> = []) => ({ phaseType, phaseStatus, durationInSeconds: phaseStatus ? 3 : undefined, contexts });

describe('CodeBuild builds as deploy tells them', () => {
  it('phaseLines reports each ended phase once, in order, several per read', () => {
    const seen = { ended: 0 };
    const first: BuildStatusView = { id: 'p:1', phases: [phase('SUBMITTED', 'SUCCEEDED'), phase('QUEUED')] };
    expect(phaseLines(first, seen)).toEqual(['SUBMITTED SUCCEEDED in 3 s']);
    const later: BuildStatusView = { id: 'p:1', phases: [phase('SUBMITTED', 'SUCCEEDED'), phase('QUEUED', 'SUCCEEDED'), phase('PROVISIONING', 'SUCCEEDED'), phase('DOWNLOAD_SOURCE')] };
    expect(phaseLines(later, seen)).toEqual(['QUEUED SUCCEEDED in 3 s', 'PROVISIONING SUCCEEDED in 3 s']);
    expect(phaseLines(later, seen)).toEqual([]);
  });

  it('failedPhase is the first phase that neither succeeded nor runs, with its contexts', () => {
    const build: BuildStatusView = {
      id: 'p:1',
      phases: [phase('PRE_BUILD', 'SUCCEEDED', [{ statusCode: '', message: '' }]), phase('BUILD', 'FAILED', [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: 'exit status 1' }]), phase('POST_BUILD', 'SUCCEEDED'), phase('COMPLETED')],
    };
    expect(failedPhase(build)).toEqual({ phaseType: 'BUILD', phaseStatus: 'FAILED', message: 'COMMAND_EXECUTION_ERROR: exit status 1' });
    expect(failedPhase({ id: 'p:2', phases: [phase('BUILD', 'SUCCEEDED')] })).toBeUndefined();
  });

  it('buildFailedError: exit 1, code CODEBUILD_FAILED, the phase, the reason, the log tail and where the whole log is', () => {
    const build: BuildStatusView = {
      id: 'p:1',
      buildStatus: 'FAILED',
      phases: [phase('DOWNLOAD_SOURCE', 'CLIENT_ERROR', [{ statusCode: 'CLIENT_ERROR', message: 'NoSuchKey' }])],
      logs: { groupName: '/g', streamName: 's' },
    };
    const error = buildFailedError(build, ['one', 'two'], 'repo:c-1');
    expect(error.exitCode).toBe(ExitCode.AgentError);
    expect(error.code).toBe('CODEBUILD_FAILED');
    expect(error.message).toBe('CodeBuild build p:1 of repo:c-1 failed in phase DOWNLOAD_SOURCE (CLIENT_ERROR: CLIENT_ERROR: NoSuchKey) (whole log: CloudWatch Logs /g, stream s).\nLast 2 lines of the build log:\n  │ one\n  │ two');
    expect(buildFailedError({ id: 'p:3', buildStatus: 'STOPPED', phases: [] }, [], 'r:t').message).toBe('CodeBuild build p:3 of r:t failed with status STOPPED.');
  });

  it('isBuildComplete trusts buildComplete, else the status', () => {
    expect(isBuildComplete({ id: 'a', phases: [], buildComplete: false, buildStatus: 'IN_PROGRESS' })).toBe(false);
    expect(isBuildComplete({ id: 'a', phases: [], buildStatus: 'FAILED' })).toBe(true);
    expect(isBuildComplete({ id: 'a', phases: [], buildStatus: 'IN_PROGRESS' })).toBe(false);
  });

  it('build contexts live under image-context/ by content tag', () => {
    expect(buildContextKey('c-0123')).toBe('image-context/c-0123.zip');
  });
});
