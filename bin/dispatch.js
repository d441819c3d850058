#!/usr/bin/env node
// The `dispatch` command: reads .env from the current folder, then runs the compiled CLI
// (built by `npm run build`, which `npm ci` runs through the prepare script).
import { config } from 'dotenv';
import { main } from '../dist/bridge/cli/main.js';

config({ quiet: true });
process.exitCode = await main(process.argv.slice(2));
