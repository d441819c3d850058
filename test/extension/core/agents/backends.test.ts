import assert from 'node:assert/strict';
import path from 'node:path';
import { agentEnv } from '../../../../extension/core/agents/agentEnv.js';
import { ClaudeAgent } from '../../../../extension/core/agents/claude.js';
import { CodexAgent } from '../../../../extension/core/agents/codex.js';
import { CommandAgent } from '../../../../extension/core/agents/command.js';
import { checkAgentReady } from '../../../../extension/core/agents/readiness.js';
import { createAgentFactory } from '../../../../extension/core/agents/registry.js';
import { loadAgentSettings } from '../../../../extension/core/runnerConfig.js';
import { TempDirs } from '../../../helpers/gitRepos.js';
import { EDIT_CLI, FAKE_CLAUDE, FAKE_CODEX, FIXTURES } from './standIns.js';

describe('agent backends: choosing, configuring, readiness', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());
  const PATH = process.env.PATH ?? '';

  it('the factory knows builtin, claude, codex and command, and names them for an unknown one', () => {
    const agents = createAgentFactory({}, { settings: { command: 'aider --message {task}' }, env: {} });
    assert.ok(agents('claude') instanceof ClaudeAgent);
    assert.ok(agents('codex') instanceof CodexAgent);
    assert.ok(agents('command') instanceof CommandAgent);
    assert.equal(agents('builtin').name, 'builtin');
    assert.throws(() => agents('gpt'), { code: 'not_found', message: 'Unknown agent "gpt". Known agents: builtin, claude, codex, command.' });
  });

  it('command without DISPATCH_AGENT_COMMAND is a bad_config saying what to set', () => {
    const agents = createAgentFactory({}, { env: {} });
    assert.throws(() => agents('command'), { code: 'bad_config', message: /DISPATCH_AGENT_COMMAND.*aider --message \{task\} --yes-always/ });
  });

  it("reads the backends' variables, resolving relative executable paths against the runner's folder", () => {
    const settings = loadAgentSettings(
      {
        DISPATCH_AGENT_COMMAND: 'aider --message {task} --yes-always',
        DISPATCH_AGENT_ENV: 'OPENAI_API_KEY, AIDER_MODEL',
        DISPATCH_CLAUDE_PATH: 'bin/claude',
        DISPATCH_CLAUDE_MAX_TURNS: '40',
        DISPATCH_CLAUDE_MAX_BUDGET_USD: '2.50',
        DISPATCH_CODEX_PATH: 'codex',
      },
      '/srv/runner',
    );
    assert.deepEqual(settings, {
      command: 'aider --message {task} --yes-always',
      passEnv: ['OPENAI_API_KEY', 'AIDER_MODEL'],
      claudePath: path.resolve('/srv/runner', 'bin/claude'),
      claudeMaxTurns: 40,
      claudeMaxBudgetUsd: 2.5,
      codexPath: 'codex',
    });
    assert.throws(() => loadAgentSettings({ DISPATCH_CLAUDE_MAX_TURNS: 'lots' }), { code: 'bad_config', message: /DISPATCH_CLAUDE_MAX_TURNS/ });
    assert.throws(() => loadAgentSettings({ DISPATCH_AGENT_ENV: 'A B' }), { code: 'bad_config', message: /DISPATCH_AGENT_ENV/ });
  });

  it('builds agent environments from an allowlist: never Dispatch or chat secrets, even when listed', () => {
    const source = {
      PATH: '/usr/bin',
      HOME: '/home/me',
      LC_ALL: 'C.UTF-8',
      ANTHROPIC_API_KEY: 'sk-ant',
      OPENAI_API_KEY: 'sk-openai',
      AWS_SECRET_ACCESS_KEY: 'aws',
      DISPATCH_RUNNER_TOKEN: 'runner',
      SLACK_BOT_TOKEN: 'xoxb',
      DISCORD_BOT_TOKEN: 'discord',
    };
    assert.deepEqual(agentEnv('claude', source), { PATH: '/usr/bin', HOME: '/home/me', LC_ALL: 'C.UTF-8', ANTHROPIC_API_KEY: 'sk-ant' });
    assert.deepEqual(agentEnv('codex', source), { PATH: '/usr/bin', HOME: '/home/me', LC_ALL: 'C.UTF-8', OPENAI_API_KEY: 'sk-openai' });
    assert.deepEqual(agentEnv('command', source, ['OPENAI_API_KEY', 'DISPATCH_RUNNER_TOKEN', 'SLACK_BOT_TOKEN']), {
      PATH: '/usr/bin',
      HOME: '/home/me',
      LC_ALL: 'C.UTF-8',
      OPENAI_API_KEY: 'sk-openai',
    });
  });

  describe('checkAgentReady: what the runner says at start', () => {
    it('claude without auth says which variables to set', () => {
      const ready = checkAgentReady('claude', { PATH, DISPATCH_CLAUDE_PATH: FAKE_CLAUDE });
      assert.deepEqual(ready, {
        ok: false,
        problem: "The claude agent needs ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`) in the runner's environment; neither is set.",
      });
    });

    it('claude with auth names the executable, the auth variable and the limits', () => {
      const ready = checkAgentReady('claude', { PATH, CLAUDE_CODE_OAUTH_TOKEN: 't', DISPATCH_CLAUDE_PATH: FAKE_CLAUDE, DISPATCH_CLAUDE_MAX_TURNS: '30' });
      assert.deepEqual(ready, { ok: true, detail: `claude: ${FAKE_CLAUDE}, auth from CLAUDE_CODE_OAUTH_TOKEN, at most 30 turns per task.` });
      const missing = checkAgentReady('claude', { PATH, ANTHROPIC_API_KEY: 'k', DISPATCH_CLAUDE_PATH: '/nope/claude' });
      assert.deepEqual(missing, { ok: false, problem: 'DISPATCH_CLAUDE_PATH (/nope/claude) is not an executable file.' });
    });

    it('codex needs its executable; auth may be its own login', () => {
      assert.deepEqual(checkAgentReady('codex', { PATH: temp.make() }), {
        ok: false,
        problem: 'Could not find `codex` on PATH: install the Codex CLI or set DISPATCH_CODEX_PATH.',
      });
      assert.deepEqual(checkAgentReady('codex', { PATH: FIXTURES }), { ok: true, detail: `codex: ${FAKE_CODEX} app-server, auth from its own login (\`codex login\`).` });
    });

    it('command needs a usable template whose program exists, and says there is no approval relay', () => {
      assert.equal(checkAgentReady('command', { PATH }).ok, false);
      assert.deepEqual(checkAgentReady('command', { PATH, DISPATCH_AGENT_COMMAND: 'no-such-agent-xyz {task}' }), {
        ok: false,
        problem: 'no-such-agent-xyz (from DISPATCH_AGENT_COMMAND) is not installed or not on PATH.',
      });
      const ready = checkAgentReady('command', { PATH, DISPATCH_AGENT_COMMAND: `${EDIT_CLI} --message {task}` });
      assert.ok(ready.ok);
      assert.match(ready.detail, /no approval relay/);
    });

    it('builtin is always ready; an unknown name lists the known ones; a bad setting is named', () => {
      assert.equal(checkAgentReady('builtin', {}).ok, true);
      assert.deepEqual(checkAgentReady('gpt', {}), { ok: false, problem: 'Unknown agent "gpt". Known agents: builtin, claude, codex, command.' });
      const bad = checkAgentReady('claude', { DISPATCH_CLAUDE_MAX_BUDGET_USD: '-1' });
      assert.ok(!bad.ok && /DISPATCH_CLAUDE_MAX_BUDGET_USD/.test(bad.problem));
    });
  });
});
