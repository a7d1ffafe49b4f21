/**
 * container/ is a self-contained build context (Docker, the code package of `deploy --artifact
 * code`), so it carries a copy of packages/protocol/src in container/src/vendor/protocol/, made by
 * `npm run build` (packages/protocol/vendor.mjs). This fails when the copy is stale: run `npm run build`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const source = join(root, 'packages/protocol/src');
const vendored = join(root, 'container/src/vendor/protocol');
const HEADER = '// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.\n';

describe('container/src/vendor/protocol', () => {
  it('holds exactly the protocol sources', () => {
    expect(readdirSync(vendored).sort()).toEqual(readdirSync(source).filter((f) => f.endsWith('.ts')).sort());
  });

  it.each(readdirSync(source).filter((f) => f.endsWith('.ts')))('%s is the current source (else: npm run build)', (name) => {
    const copy = readFileSync(join(vendored, name), 'utf8');
    expect(copy.startsWith(HEADER)).toBe(true);
    expect(copy.slice(HEADER.length)).toBe(readFileSync(join(source, name), 'utf8'));
  });

  it('no other container source defines the protocol: the server imports it', () => {
    const server = readFileSync(join(root, 'container/src/server.ts'), 'utf8');
    expect(server).toContain("from './vendor/protocol/index.js'");
    expect(server).not.toMatch(/'x-amzn-bedrock-agentcore-runtime-session-id'/i);
  });
});

describe('packages/protocol is pure', () => {
  it.each(readdirSync(source).filter((f) => f.endsWith('.ts')))('%s imports only zod and its own files', (name) => {
    const imports = [...readFileSync(join(source, name), 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports.filter((spec) => spec !== 'zod' && !/^\.\/[a-z-]+\.js$/.test(spec!))).toEqual([]);
  });
});
