/**
 * The agent's own user: the server runs Claude Code (and every Git command inside the agent's
 * workspace) as a different, unprivileged user, so nothing the agent runs can read the server's
 * secrets — not its environment (`/proc/<server pid>/environ` is readable only by the same user or
 * root), not its files (server-only directories are mode 0700), not another process's argv.
 *
 * Enabled when the server runs as root and `AGENT_USER` names a user (a name from /etc/passwd or
 * `uid:gid`); the image sets `AGENT_USER=agent`. Without it (e.g. `agentcore-claude dev` as your
 * own user) the agent runs as the server's user and CAN read the server's environment: the Git
 * token is then only kept out of the agent's own environment, not out of its reach.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import { execa } from 'execa';

export interface AgentIdentity {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Resolve `AGENT_USER` (`name` from /etc/passwd, or `uid:gid`).
 * @returns undefined when isolation is off: not root, or no user named.
 * @throws Error when a user is named but unknown, or is root itself.
 */
export async function resolveAgentUser(spec: string | undefined, runningUid = process.getuid?.() ?? -1): Promise<AgentIdentity | undefined> {
  if (!spec || runningUid !== 0) return undefined;
  const numeric = /^(\d+):(\d+)$/.exec(spec);
  let identity: AgentIdentity | undefined;
  if (numeric) identity = { name: spec, uid: Number(numeric[1]), gid: Number(numeric[2]) };
  else {
    const passwd = await readFile('/etc/passwd', 'utf8');
    const line = passwd.split('\n').find((l) => l.split(':')[0] === spec);
    const fields = line?.split(':');
    if (fields && fields.length >= 4) identity = { name: spec, uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  if (!identity || !Number.isInteger(identity.uid) || !Number.isInteger(identity.gid)) throw new Error(`AGENT_USER "${spec}" is not a user of this system (/etc/passwd) nor uid:gid`);
  if (identity.uid === 0) throw new Error(`AGENT_USER "${spec}" is root: the agent must run as an unprivileged user`);
  return identity;
}

/** One line for the start-up log: who the agent runs as and what that isolates. */
export function describeIsolation(identity: AgentIdentity | undefined): string {
  if (identity) return `agent runs as ${identity.name} (uid ${identity.uid}); the server's environment and files are out of its reach`;
  const uid = process.getuid?.() ?? -1;
  return uid === 0
    ? 'WARNING: agent runs as root, like the server (set AGENT_USER to isolate it): it can read the server\'s environment, including the Git token'
    : 'agent runs as the server\'s own user (no AGENT_USER isolation without root): it can read the server\'s environment, including the Git token';
}

/**
 * A `spawnClaudeCodeProcess` for the Agent SDK that starts Claude Code as `identity`, in its own
 * process group (so the whole tree can be killed when the run ends), forwarding stderr.
 */
export function agentSpawner(identity: AgentIdentity | undefined, onStderr: (data: string) => void, onSpawn?: (pid: number) => void): (options: SpawnOptions) => SpawnedProcess {
  return (options) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      signal: options.signal,
      ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
    });
    child.stderr?.setEncoding('utf8').on('data', onStderr);
    if (child.pid) onSpawn?.(child.pid);
    return child as unknown as SpawnedProcess;
  };
}

/** Environment variable that marks every process of one run (inherited by whatever the agent starts). */
export const RUN_MARKER_VARIABLE = 'AGENTCORE_RUN_ID';

/** Markers of the runs in progress on this server (see {@link startRun}). */
const liveMarkers = new Set<string>();

/** A new run's marker, registered as live until {@link killRun}. */
export function startRun(): string {
  const marker = randomUUID();
  liveMarkers.add(marker);
  return marker;
}

/**
 * Kill what is left of a run, before the server touches its files: Claude Code's process group;
 * every process whose environment carries the run's marker ({@link RUN_MARKER_VARIABLE}) — Claude
 * Code starts each shell command in a session of its own, so background jobs (`nohup … &`) leave
 * the group; and, with the agent as its own user, every process of that user that belongs to no
 * live run (one that cleared its environment and left its session to escape). Linux: `/proc`.
 * @returns how many processes were killed besides the group.
 */
export async function killRun(pid: number | undefined, marker: string | undefined, identity?: AgentIdentity): Promise<number> {
  if (marker) liveMarkers.delete(marker);
  if (pid) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const own = marker ? Buffer.from(`${RUN_MARKER_VARIABLE}=${marker}\0`) : undefined;
  const live = [...liveMarkers].map((m) => Buffer.from(`${RUN_MARKER_VARIABLE}=${m}\0`));
  let killed = 0;
  // Twice: a process may start another between the scan and the kill.
  for (let round = 0; round < 2; round += 1) {
    const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
    for (const candidate of pids) {
      const environ = await readFile(`/proc/${candidate}/environ`).catch(() => undefined);
      if (!environ) continue;
      const ours = own !== undefined && environ.includes(own);
      const stray = !ours && identity !== undefined && !live.some((m) => environ.includes(m)) && (await processUids(candidate)).includes(identity.uid);
      if (!ours && !stray) continue;
      try {
        process.kill(Number(candidate), 'SIGKILL');
        killed += 1;
      } catch {
        // gone meanwhile
      }
    }
  }
  return killed;
}

/**
 * Kill the agent user's processes that belong to no live run (left behind by an earlier run),
 * before the server works in a session's files. No-op without isolation.
 */
export async function killStrays(identity: AgentIdentity | undefined): Promise<void> {
  if (identity) await killRun(undefined, undefined, identity);
}

/** Real and effective uid of a process (`/proc/<pid>/status`); [] when it is gone. */
async function processUids(pid: string): Promise<number[]> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const line = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  return line ? [Number(line[1]), Number(line[2])] : [];
}

/**
 * Give `paths` (recursively, never following symlinks) to the agent's user; no-op without isolation.
 * @throws Error when chown fails.
 */
export async function giveToAgent(identity: AgentIdentity | undefined, paths: readonly string[]): Promise<void> {
  if (!identity || paths.length === 0) return;
  await execa('chown', ['-R', '-P', '-h', `${identity.uid}:${identity.gid}`, '--', ...paths]);
}
