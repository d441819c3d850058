import assert from 'node:assert/strict';
import { baseOfGerund, taskFromGerund } from '../../shared/routing/gerundTask.js';
import { route } from '../../shared/routing/route.js';

describe('a forced task asked in gerunds', () => {
  it('runs the instruction the person meant, not its gerund', () => {
    assert.equal(route('would you mind opening a Code session and bumping lodash to 4.17.21?').task, 'bump lodash to 4.17.21');
    assert.equal(route('would you mind starting a code session and updating the README').task, 'update the README');
    assert.equal(route('Would you mind opening a Code session and looking into the flaky login test').task, 'look into the flaky login test');
  });

  it('finds the base form through English spelling', () => {
    assert.equal(baseOfGerund('running'), 'run');
    assert.equal(baseOfGerund('debugging'), 'debug');
    assert.equal(baseOfGerund('removing'), 'remove');
    assert.equal(baseOfGerund('adding'), 'add');
  });

  it('leaves a gerund that is the subject, a noun, or not asked in gerunds', () => {
    assert.equal(taskFromGerund('testing is broken on main'), 'testing is broken on main');
    assert.equal(route('would you mind opening a Code session? caching is broken').task, 'caching is broken');
    assert.equal(route('open a Code session and fixing the header').task, 'fixing the header');
  });
});
