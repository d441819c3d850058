// `dispatch` from the TypeScript source, for tests that need the CLI in a process of its own
// (a real terminal in tmux, a signal): node --import <tsx loader> dispatchFromSource.ts ARGS…
import { config } from 'dotenv';
import { main } from '../../bridge/cli/main.js';

config({ quiet: true });
process.exitCode = await main(process.argv.slice(2));
