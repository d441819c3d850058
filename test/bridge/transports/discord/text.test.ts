import assert from 'node:assert/strict';
import { mentionsBot, stripBotMention } from '../../../../bridge/transports/discord/text.js';

describe('Discord mentions of the bot', () => {
  it('counts the bot user and, when known, its managed role, and strips either from the task', () => {
    assert.equal(mentionsBot('<@42> run the tests', '42'), true);
    assert.equal(mentionsBot('<@!42> run the tests', '42'), true);
    assert.equal(mentionsBot('<@&77> run the tests', '42'), false, 'an unknown role is not the bot');
    assert.equal(mentionsBot('<@&77> run the tests', '42', '77'), true);
    assert.equal(mentionsBot('<@&78> run the tests', '42', '77'), false);
    assert.equal(stripBotMention('<@&77> run the tests', '42', '77'), 'run the tests');
    assert.equal(stripBotMention('hey <@42>, run the tests', '42'), 'hey , run the tests');
  });
});
