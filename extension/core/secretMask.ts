import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CREDENTIAL_FILE } from './link/machineIdentity.js';

/** What a masked secret becomes in logs, events and chats. */
export const MASK = '[secret]';

/** Names whose values are secrets: keys, tokens, passwords, credentials, private keys. */
const SECRET_NAME = /(^|_)(API_?KEY|KEY|KEY_ID|ACCESS_KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|AUTH|PAT|PRIVATE_KEY|COOKIE|DSN)(_|$)|SECRET|PASSWORD|TOKEN/i;
/** Values shorter than this are not masked: "1", "true" or a port would blank out ordinary output. */
const MIN_SECRET_LENGTH = 8;
/** `scheme://user:password@host`: the password part of any URL-valued variable (DATABASE_URL, REDIS_URL, …). */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/i;

/** Whether a variable's name says its value is secret (PWD, the working directory, is not). */
export function isSecretName(name: string): boolean {
  return name !== 'PWD' && name !== 'OLDPWD' && SECRET_NAME.test(name);
}

/**
 * Every secret value the runner knows, and one function that blanks them out of text.
 * Applied where a session's output becomes log lines and events, so a test that prints
 * an API key (from the environment or a file) never carries it into a log or a chat.
 */
export class SecretMask {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** The secrets in an environment: values of secret-named variables, and URL passwords. */
  static fromEnv(env: Record<string, string | undefined>): SecretMask {
    const mask = new SecretMask();
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) continue;
      if (isSecretName(name)) mask.add(value);
      const password = URL_PASSWORD.exec(value)?.[1];
      if (password !== undefined) {
        mask.add(password);
        mask.add(safeDecode(password));
      }
    }
    return mask;
  }

  /** Adds a value (ignored when too short to be a secret). */
  add(value: string): this {
    const trimmed = value.trim();
    if (trimmed.length >= MIN_SECRET_LENGTH && !this.values.has(trimmed)) {
      this.values.add(trimmed);
      this.pattern = undefined;
    }
    return this;
  }

  /** Adds the secret-named string fields of a JSON state file (the machine's credential), if it exists. */
  addFromJsonFile(file: string): this {
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [key, value] of Object.entries(data)) if (typeof value === 'string' && isSecretName(snake(key))) this.add(value);
    } catch {
      // No such file yet, or not JSON: nothing to add.
    }
    return this;
  }

  get size(): number {
    return this.values.size;
  }

  mask(text: string): string {
    if (this.values.size === 0 || text === '') return text;
    // Longest first, so a secret that contains another is masked whole.
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    return text.replace(this.pattern, MASK);
  }

  /** Masks every string inside a JSON-like value (an event), leaving its shape alone. */
  maskDeep<T>(value: T): T {
    if (this.values.size === 0) return value;
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.maskDeep(item)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.maskDeep(item)])) as T;
    }
    return value;
  }
}

/** The runner's mask: its environment's secrets and its own credential under DISPATCH_HOME. */
export function runnerSecretMask(home: string, env: Record<string, string | undefined> = process.env): SecretMask {
  return SecretMask.fromEnv(env)
    .addFromJsonFile(path.join(home, 'machine.json'))
    .addFromJsonFile(path.join(home, CREDENTIAL_FILE))
    .addFromJsonFile(path.join(home, 'secrets.json'));
}

/**
 * Masks a stream of chunks without letting a secret slip through a chunk boundary:
 * it holds back the last partial line (flushed whole once it ends, or on `end`).
 */
export class MaskedLines {
  private pending = '';

  constructor(
    private readonly mask: SecretMask,
    private readonly write: (text: string) => void,
    private readonly maxPending = 64 * 1024,
  ) {}

  push(chunk: string): void {
    const text = this.pending + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    if (cut === 0 && text.length < this.maxPending) {
      this.pending = text;
      return;
    }
    const ready = cut === 0 ? text : text.slice(0, cut);
    this.pending = cut === 0 ? '' : text.slice(cut);
    this.write(this.mask.mask(ready));
  }

  end(): void {
    if (this.pending !== '') this.write(this.mask.mask(this.pending));
    this.pending = '';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `runnerCredential` → `RUNNER_CREDENTIAL`, so JSON keys read like variable names. */
function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
