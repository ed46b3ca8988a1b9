import cron, { type ScheduledTask } from 'node-cron';
import type { RegionContext } from '../services/context.js';
import type { LifecycleService } from '../services/lifecycle.js';
import type { JobRuns } from './job-runs.js';
import type { Verification } from '../services/verification.js';

/**
 * The daily lifecycle run on a node-cron schedule in the law's time zone, and once at start-up
 * (so a run missed while the process was down catches up). A failing run is logged, never fatal.
 */
export function createScheduler(ctx: RegionContext, jobRuns: JobRuns, lifecycle: LifecycleService, verification: Verification) {
  let task: ScheduledTask | null = null;
  let brpTask: ScheduledTask | null = null;

  /** The population register: verify what was registered while it was down, then moves and deaths. */
  async function runBrp() {
    // Moves and deaths are looked at even when the verification failed: one does not hold up the other.
    let failure: unknown = null;
    const verified = await jobRuns.runExclusive('brp-verify', () => verification.verifyPending()).catch((err: unknown) => {
      failure = err;
      return null;
    });
    const changes = await jobRuns.runExclusive('brp-changes', () => verification.followChanges());
    if (failure) throw failure;
    return { verified, changes };
  }

  async function safeBrp(): Promise<void> {
    if (ctx.importRunning()) return; // the next run, after the import, does the work
    try {
      await runBrp();
    } catch (err) {
      ctx.log.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'population register run failed');
    }
  }

  async function runLifecycle() {
    const removal = await jobRuns.runExclusive('removal', (heartbeat) => lifecycle.runRemoval(heartbeat));
    const reminders = await jobRuns.runExclusive('informing-reminders', () => lifecycle.runInformingReminders());
    ctx.log.info({ removal, reminders }, 'lifecycle run finished');
    return { removal, reminders };
  }

  async function safeRun(): Promise<void> {
    if (ctx.importRunning()) return;
    try {
      await runLifecycle();
    } catch (err) {
      ctx.log.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'lifecycle run failed');
    }
  }

  return {
    runLifecycle,
    runBrp,
    start(): void {
      const { schedule, runAtStart, brpSchedule } = ctx.config.lifecycle;
      task = cron.schedule(schedule, safeRun, { timezone: ctx.config.timeZone, noOverlap: true, name: 'lifecycle' });
      if (verification.enabled) brpTask = cron.schedule(brpSchedule, safeBrp, { timezone: ctx.config.timeZone, noOverlap: true, name: 'brp' });
      if (runAtStart) void safeRun().then(() => (verification.enabled ? safeBrp() : undefined));
    },
    stop(): void {
      void task?.destroy();
      void brpTask?.destroy();
      task = null;
      brpTask = null;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
