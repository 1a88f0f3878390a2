const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "30m", "8h", "7d" or a bare number of seconds, in seconds; null when it is none of these. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * UNITS[match[2] || "s"]!;
}

/** Seconds as the largest whole unit: 86400 → "24h", 90 → "90s". */
export function formatDuration(seconds: number): string {
  for (const unit of ["d", "h", "m"] as const) {
    if (seconds % UNITS[unit]! === 0 && seconds >= UNITS[unit]!) {
      const n = seconds / UNITS[unit]!;
      if (unit !== "d" || n >= 2) return `${n}${unit}`;
    }
  }
  return `${seconds}s`;
}
