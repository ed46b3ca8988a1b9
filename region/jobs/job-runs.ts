import type { RegionContext } from '../services/context.js';

/**
 * A job never runs twice at once: an in-process flag, plus a lease row in the database for
 * another process on the same data folder (the CLI). The lease is renewed at every step; a
 * lease left by a process that died lapses after LEASE_MS and is then marked abandoned.
 */
const LEASE_MS = 60_000;

interface RunRow {
  id: number;
  lease_until: string;
}

export function createJobRuns(ctx: RegionContext) {
  const { db } = ctx;
  const q = {
    open: db.prepare<[string], RunRow>('SELECT id, lease_until FROM job_runs WHERE job = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1'),
    abandon: db.prepare("UPDATE job_runs SET finished_at = ?, counts = '{\"abandoned\":true}' WHERE id = ?"),
    insert: db.prepare('INSERT INTO job_runs (job, started_at, lease_until) VALUES (?, ?, ?)'),
    renew: db.prepare('UPDATE job_runs SET lease_until = ? WHERE id = ?'),
    finish: db.prepare('UPDATE job_runs SET finished_at = ?, counts = ? WHERE id = ?'),
    last: db.prepare<[string], { started_at: string; finished_at: string | null; counts: string | null }>(
      'SELECT started_at, finished_at, counts FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT 1',
    ),
  };
  const running = new Set<string>();
  const leaseEnd = (): string => new Date(ctx.now().getTime() + LEASE_MS).toISOString();

  const acquire = db.transaction((job: string): number | null => {
    const open = q.open.get(job);
    const now = ctx.now().toISOString();
    if (open && open.lease_until > now) return null;
    if (open) q.abandon.run(now, open.id);
    return Number(q.insert.run(job, now, leaseEnd()).lastInsertRowid);
  });

  return {
    /** Runs `work` unless the job is already running here or elsewhere; returns its counts, or null when skipped. */
    async runExclusive<T extends Record<string, number>>(job: string, work: (heartbeat: () => void) => T | Promise<T>): Promise<T | null> {
      if (running.has(job)) return null;
      running.add(job);
      try {
        const id = acquire(job);
        if (id === null) {
          ctx.log.warn({ job }, 'job already running in another process; skipped');
          return null;
        }
        let counts: T;
        try {
          counts = await work(() => q.renew.run(leaseEnd(), id));
        } catch (err) {
          // A failed run gives its lease back at once, so the next run (here or in the CLI) is not skipped for a minute.
          q.finish.run(ctx.now().toISOString(), JSON.stringify({ failed: true }), id);
          throw err;
        }
        q.finish.run(ctx.now().toISOString(), JSON.stringify(counts), id);
        return counts;
      } finally {
        running.delete(job);
      }
    },
    last: (job: string) => q.last.get(job) ?? null,
  };
}

export type JobRuns = ReturnType<typeof createJobRuns>;
