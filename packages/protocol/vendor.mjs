// Copies the protocol's sources into container/src/vendor/protocol/ (the agent server's build
// context is container/ alone: Docker and the code package of `deploy --artifact code`).
// Run by `npm run build -w packages/protocol`; test/unit/protocol-vendored.test.ts fails when the
// committed copy differs from the sources.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'src');
const target = join(here, '../../container/src/vendor/protocol');
export const HEADER = '// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.\n';

mkdirSync(target, { recursive: true });
const files = readdirSync(source).filter((name) => name.endsWith('.ts'));
for (const name of readdirSync(target)) if (!files.includes(name)) rmSync(join(target, name));
for (const name of files) {
  const text = HEADER + readFileSync(join(source, name), 'utf8');
  let current;
  try {
    current = readFileSync(join(target, name), 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileSync(join(target, name), text);
}
