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

/**
 * `import { X } from '@aws-sdk/client-…'` (or '@smithy/…') of a CommonJS package makes Node's ESM loader scan the
 * package's whole index for its export names (cjs-module-lexer): ~40 ms of CPU per client package
 * (measured: `import` 0.14 s vs `require` 0.10 s of user time for client-cloudformation). This
 * plugin turns each such import into a `require()` of the package, still external (loaded from
 * node_modules), so the SDK is loaded as CommonJS without the scan.
 */
const requireSdkPackages = {
  name: 'require-aws-sdk',
  setup(b) {
    b.onResolve({ filter: /^@(aws-sdk|smithy)\// }, (args) =>
      args.namespace === 'require-aws-sdk' ? { path: args.path, external: true } : { path: args.path, namespace: 'require-aws-sdk' },
    );
    b.onLoad({ filter: /.*/, namespace: 'require-aws-sdk' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

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
  plugins: [requireSdkPackages],
  legalComments: 'none',
  logLevel: 'warning',
});
