import type { SourceEnv } from './agentSettings.js';

/**
 * What every agent process needs to work at all: where programs are, who and where the
 * user is, the locale, temp folders, proxies and CA certificates, and Windows' system
 * variables. Named one by one: an agent gets nothing by accident.
 */
const BASE = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'TZ', 'LANG', 'LANGUAGE',
  'TMPDIR', 'TMP', 'TEMP',
  'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  // Windows: programs fail in odd ways without these.
  'SystemRoot', 'SYSTEMROOT', 'windir', 'ComSpec', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
  'ProgramData', 'ProgramFiles', 'ProgramFiles(x86)', 'ProgramW6432', 'CommonProgramFiles', 'CommonProgramFiles(x86)',
  'HOMEDRIVE', 'HOMEPATH', 'NUMBER_OF_PROCESSORS', 'PROCESSOR_ARCHITECTURE', 'OS',
];

/** The variables each backend needs on top of BASE (auth, its own config folder, endpoints). */
const BACKEND: Record<string, readonly string[]> = {
  claude: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL', 'CLAUDE_CONFIG_DIR'],
  codex: ['OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME'],
  // The builtin agent's commands (the project's tests, linters) and the command agent get no model's auth.
  builtin: [],
  command: [],
};

/**
 * Dispatch's own secrets and the chat platforms' tokens. Never passed, even when a user
 * lists one in DISPATCH_AGENT_ENV: the agent runs model-written commands.
 */
const NEVER = /^(DISPATCH_|SLACK_|DISCORD_)/i;

/** `LC_ALL`, `LC_CTYPE`, …: the locale comes as a family. */
const LOCALE = /^LC_[A-Z_]+$/;

/**
 * The environment for an agent process, built from an allowlist rather than by removing
 * known secrets from everything: `options.env` of the Claude SDK and a spawned codex
 * both *replace* the environment, so what is not named here does not exist for them.
 * `passEnv` (DISPATCH_AGENT_ENV) adds names the user chose; `extra` sets values.
 */
export function agentEnv(
  backend: string,
  source: SourceEnv,
  passEnv: readonly string[] = [],
  extra: Record<string, string> = {},
): Record<string, string> {
  const wanted = new Set([...BASE, ...(BACKEND[backend] ?? []), ...passEnv]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || NEVER.test(name)) continue;
    if (wanted.has(name) || LOCALE.test(name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (!NEVER.test(name)) env[name] = value;
  return env;
}

/** The auth variable the claude backend will use, or undefined when neither is set. */
export function claudeAuthVariable(source: SourceEnv): 'ANTHROPIC_API_KEY' | 'CLAUDE_CODE_OAUTH_TOKEN' | undefined {
  if (source.ANTHROPIC_API_KEY?.trim()) return 'ANTHROPIC_API_KEY';
  if (source.CLAUDE_CODE_OAUTH_TOKEN?.trim()) return 'CLAUDE_CODE_OAUTH_TOKEN';
  return undefined;
}

export const CLAUDE_AUTH_MISSING =
  'The claude agent needs ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`) in the runner\'s environment; neither is set.';
