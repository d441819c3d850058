#!/usr/bin/env node
// The `dispatch` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs).
import { main } from '../dist/bridge/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
