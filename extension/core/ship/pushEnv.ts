import { toolEnv } from '../processTree.js';

/**
 * What `git push` needs to reach the machine's own credentials, on top of the tool
 * allowlist (PATH, HOME, XDG_*, proxies, CA certificates):
 * - the SSH agent and the user's SSH program (SSH_AUTH_SOCK, GIT_SSH_COMMAND, …);
 * - askpass programs and Git Credential Manager settings, for HTTPS credential helpers;
 * - the user's own git config files when they moved them (GIT_CONFIG_GLOBAL);
 * - gh's own settings (GH_HOST, GH_CONFIG_DIR), for `gh auth git-credential`, which reads
 *   its stored login. Forge API tokens (GH_TOKEN, GITHUB_TOKEN, GITLAB_TOKEN) stay out:
 *   the worktree shares the repository's .git/config, so a session could have set a
 *   credential helper or ssh command that would run during the push; it must not find a
 *   token in its environment. The API calls read them in the runner's own process.
 * The tool allowlist leaves all of these out on purpose: the project's tests and the
 * agents' commands must not push or carry tokens. A push is different: the person asked
 * for it with a button, it runs `--no-verify` (no hook, so no file a session wrote runs
 * with these variables) in the user's repository folder, and nothing it prints reaches a
 * log or the chat unmasked. GIT_DIR, GIT_WORK_TREE and the like stay out: they could point
 * the push at another repository.
 */
const CREDENTIAL_VARIABLES = [
  'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT',
  'GIT_ASKPASS', 'SSH_ASKPASS', 'SSH_ASKPASS_REQUIRE', 'DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS',
  'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_NOSYSTEM',
  'GCM_CREDENTIAL_STORE', 'GCM_PROVIDER', 'GCM_AUTHORITY',
  'GH_HOST', 'GH_CONFIG_DIR',
];

export function pushEnv(source: Record<string, string | undefined> = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = toolEnv(source);
  for (const name of CREDENTIAL_VARIABLES) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  // Nobody is at a terminal to type a password: fail at once instead of hanging the runner.
  env.GIT_TERMINAL_PROMPT = '0';
  env.GCM_INTERACTIVE = 'never';
  return env;
}
