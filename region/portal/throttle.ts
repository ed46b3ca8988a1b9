/**
 * Failed logins per IP address in a fixed window: past the limit, that address is refused until
 * the window ends, whatever account it tries. Kept in memory per regional index (built by the
 * composition root); a restart forgets it, the per-account lockout in the database does not.
 */
export interface LoginThrottle {
  blocked(ip: string, now: Date): boolean;
  failed(ip: string, now: Date): void;
}

export function createLoginThrottle(maxFailures: number, windowMinutes: number): LoginThrottle {
  const windowMs = windowMinutes * 60_000;
  const seen = new Map<string, { count: number; since: number }>();

  function current(ip: string, now: Date): { count: number; since: number } | null {
    const entry = seen.get(ip);
    if (!entry) return null;
    if (now.getTime() - entry.since >= windowMs) {
      seen.delete(ip);
      return null;
    }
    return entry;
  }

  return {
    blocked: (ip, now) => (current(ip, now)?.count ?? 0) >= maxFailures,
    failed(ip, now) {
      const entry = current(ip, now);
      if (entry) entry.count++;
      else seen.set(ip, { count: 1, since: now.getTime() });
      if (seen.size > 10_000) {
        for (const [k, v] of seen) if (now.getTime() - v.since >= windowMs) seen.delete(k);
      }
    },
  };
}
