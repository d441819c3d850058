import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SLASH_COMMAND } from '../../../../bridge/transports/slack/slackTransport.js';

const manifest = readFileSync(fileURLToPath(new URL('../../../../bridge/transports/slack/manifest.yml', import.meta.url)), 'utf8');

/** The `- item` lines right under `key:` (comments dropped); enough YAML for this file. */
function listUnder(key: string): string[] {
  const lines = manifest.split('\n');
  const start = lines.findIndex((line) => line.trim() === `${key}:`);
  assert.ok(start >= 0, `${key} is in the manifest`);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s*- ([^#\s]+)/.exec(line);
    if (!item) break;
    items.push(item[1]!);
  }
  return items;
}

describe('the Slack app manifest', () => {
  it('asks for exactly the scopes the transport uses', () => {
    assert.deepEqual(listUnder('bot').sort(), ['app_mentions:read', 'channels:history', 'chat:write', 'commands', 'groups:history', 'im:history', 'im:read', 'im:write']);
  });

  it('subscribes to exactly the events the transport listens to', () => {
    assert.deepEqual(listUnder('bot_events').sort(), ['app_home_opened', 'app_mention', 'message.channels', 'message.groups', 'message.im']);
  });

  it('turns on Socket Mode, interactivity and the slash command', () => {
    assert.match(manifest, /socket_mode_enabled: true/);
    assert.match(manifest, /interactivity:\n\s+is_enabled: true/);
    assert.match(manifest, new RegExp(`- command: ${SLASH_COMMAND}\\n`));
  });
});
