const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "7d", "12h", "30m", "0" → milliseconds (a bare number is days); undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] ?? 'd'] ?? 0);
}

/** 3 d, 5 h, 12 min: how long ago, roughly, for messages about old worktrees. */
export function roughly(ms: number): string {
  if (ms >= 86_400_000) return `${Math.floor(ms / 86_400_000)} d`;
  if (ms >= 3_600_000) return `${Math.floor(ms / 3_600_000)} h`;
  return `${Math.max(0, Math.floor(ms / 60_000))} min`;
}
