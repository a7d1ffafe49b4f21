#!/usr/bin/env node
import module from 'node:module';
// Tiny launcher: the CLI lives in dist/ (built from src/ by `npm run build`): dist/bundle/ is
// src/cli/main.ts bundled into chunks (scripts/bundle-cli.mjs; fewer files to load at start-up).

// The AWS SDK warns on every run under Node 20 that releases after January 2027 need Node 22.
// Our engines field already says what we support; keep stderr for the command's own messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Node >= 22.1 keeps compiled code in an on-disk cache (module.enableCompileCache, in the OS temp
// directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off): later runs start faster. A no-op on Node 20.
module.enableCompileCache?.();

const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv);
