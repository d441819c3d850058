// `npm run bench`: prints figures (not pass/fail). Each part measures against a baseline in the same run.
import { benchRouting } from './routing.js';
import { benchModelRouting } from './modelRouting.js';
import { benchRunner } from './runner.js';
import { benchBridge } from './bridge.js';
import { benchSlack } from './slack.js';
import { benchDiscord } from './discord.js';
import { benchWarmStart } from './warmStart.js';
import { benchStore } from './store.js';
import { benchMultiBridge } from './multiBridge.js';

const parts: [string, () => Promise<void>][] = [
  ['router', benchRouting],
  ['model-router', benchModelRouting],
  ['runner', benchRunner],
  ['bridge', benchBridge],
  ['slack', benchSlack],
  ['discord', benchDiscord],
  ['warm', benchWarmStart],
  ['store', benchStore],
  ['multi-bridge', benchMultiBridge],
];

const only = process.argv.slice(2);
for (const [name, run] of parts) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  await run();
}
