// Bundles the CLI (src/cli/main.ts) into dist/bundle/: ESM, split into chunks so each command
// loads only what it uses (commands import their engines lazily). Start-up time (issue 10): one
// bundle file instead of hundreds of package files (execa, zod, yaml, commander, @inquirer).
// The AWS SDK stays external: its client packages are already one file each and are loaded on
// first use (src/aws/clients.ts). `bin/agentcore-claude.js` loads dist/bundle/main.js.
// The bundle sits two levels below the package root, as dist/cli/ does, so the paths the code
// resolves from import.meta.url (package.json, templates/, container/) stay the same.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: no stale chunk may stay behind.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Clients are require()d by package name (src/aws/clients.ts): bundling the commands' copy too
  // would load the SDK twice.
  external: ['@aws-sdk/*', '@smithy/*'],
  chunkNames: 'chunk-[hash]',
  // Bundled CommonJS packages call require() for Node built-ins; ESM has no require.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
