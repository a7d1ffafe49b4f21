/**
 * Hostile review of the agent server (after issue 8): attacks by the agent (Claude Code, scripted
 * here) against the root server's own work, with the agent as its own user (AGENT_USER=nobody,
 * needs root, which CI has).
 *
 * Each test states what MUST hold; a failing test is a reproduced defect (see the review report).
 * Processes the agent leaves behind write their pid to a file the test kills them by.
 */
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
  const started = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, ...SECRETS, AGENT_USER: '23456:23456', CLAUDE_CODE_MAX_RETRIES: '0', ...extra });
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
/** Kill, by pid, every process the agent left behind (they run as nobody, forever otherwise). */
function killLeftovers(): void {
  for (const pid of existsSync(pids) ? readdirSync(pids) : []) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(join(pids, pid), { force: true });
  }
}

afterAll(async () => {
  killLeftovers();
  for (const s of servers) await s.stop().catch(() => undefined);
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
    // The run leaves a process that keeps (atomically) rewriting late.txt with a secret.
    model.setScript([
      (r) => toolTurn([bash(escaped(`cd ${workingDirectory(r)}; while :; do printf "%s" "$S" > .late.tmp; mv -f .late.tmp late.txt; done`, { S: '$ANTHROPIC_API_KEY' }))]),
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
});
