#!/usr/bin/env node
// Tiny launcher: the CLI lives in dist/ (built from src/ by `npm run build`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
