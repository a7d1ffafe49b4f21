/**
 * The Docker build (context: container/ alone) installs from container/package-lock.json, so that
 * lock must list exactly container/package.json's dependencies (regenerate with
 * `npm run lock:container`), and must include the linux-arm64 Claude Code binary for the image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../container');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));

describe('container/package-lock.json', () => {
  it('matches container/package.json', () => {
    expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[''].devDependencies).toEqual(pkg.devDependencies);
  });

  it('pins the SDK version and carries its linux-arm64 binary', () => {
    const sdk = lock.packages['node_modules/@anthropic-ai/claude-agent-sdk'];
    expect(sdk.version).toMatch(/^0\.3\./);
    expect(lock.packages['node_modules/@anthropic-ai/claude-agent-sdk-linux-arm64']?.version).toBe(sdk.version);
  });

  it('the Dockerfile builds for linux/arm64 from that lock, runs the agent as the unprivileged user agent (AGENT_USER), on port 8080', () => {
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY skills ./skills');
    expect(dockerfile).toContain('SKILLS_DIR=/app/skills');
    expect(dockerfile.match(/^FROM --platform=linux\/arm64 /gm)).toHaveLength(3);
    expect(dockerfile).toContain('COPY package.json package-lock.json ./');
    expect(dockerfile).toContain('RUN npm ci');
    // Production dependencies: the one arm64 install definition, shared with the code package.
    expect(dockerfile).toMatch(/^RUN npm run install:arm64$/m);
    expect(dockerfile).toContain('COPY --from=deps /deps/node_modules ./node_modules');
    // The server stays root to hold the secrets and drop privileges for the agent (agent-user.ts).
    expect(dockerfile).not.toMatch(/^USER /m);
    expect(dockerfile).toMatch(/^ENV AGENT_USER=agent \\\n\s+MAX_CONCURRENT_SESSIONS=1$/m);
    expect(dockerfile).toMatch(/useradd .*agent/);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/install -y --no-install-recommends git/);
  });

  it('runs Node.js 22 LTS, the major of the NODE_22 managed runtime the code artifact runs on', async () => {
    const { CODE_RUNTIME } = await import('../../src/core/code-artifact.js');
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(\d+)-bookworm-slim$/m);
    expect(dockerfile.match(/^ARG NODE_IMAGE=node:(\d+)-/m)![1]).toBe(CODE_RUNTIME.replace('NODE_', ''));
  });

  it('one arm64 install definition: container/package.json install:arm64 is what the code package runs', async () => {
    const { ARM64_INSTALL_SCRIPT } = await import('../../src/core/code-artifact.js');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(ARM64_INSTALL_SCRIPT).toBe('install:arm64');
    expect(manifest.scripts[ARM64_INSTALL_SCRIPT]).toBe('npm ci --omit=dev --os=linux --cpu=arm64 --ignore-scripts --no-audit --no-fund');
  });
});
