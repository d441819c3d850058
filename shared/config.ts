import type { z } from 'zod';
import { DispatchError } from './errors.js';

/**
 * Validates environment variables against a zod object schema whose keys are the
 * variable names. Empty strings count as unset, so `FOO=` in .env means "default".
 * A bad value throws a `bad_config` error naming every bad variable and what it wants;
 * values are never echoed back (they may be secrets).
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value.trim();
  }
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    // z.coerce.number() turns "abc" into NaN and zod says so in its own words; say what is wanted.
    const message = issue.code === 'invalid_type' && issue.expected === 'number' ? 'must be a number' : issue.message;
    return `${issue.path.join('.') || '(config)'}: ${message}`;
  });
  throw new DispatchError('bad_config', `Invalid configuration — ${problems.join('; ')}`);
}
