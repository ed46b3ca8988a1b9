import cron, { type ScheduledTask } from 'node-cron';
import type { RegionContext } from '../services/context.js';
import type { LifecycleService } from '../services/lifecycle.js';
import type { JobRuns } from './job-runs.js';

/**
 * The daily lifecycle run on a node-cron schedule in the law's time zone, and once at start-up
 * (so a run missed while the process was down catches up). A failing run is logged, never fatal.
 */
export function createScheduler(ctx: RegionContext, jobRuns: JobRuns, lifecycle: LifecycleService) {
  let task: ScheduledTask | null = null;

  async function runLifecycle() {
    const removal = await jobRuns.runExclusive('removal', (heartbeat) => lifecycle.runRemoval(heartbeat));
    const reminders = await jobRuns.runExclusive('informing-reminders', () => lifecycle.runInformingReminders());
    ctx.log.info({ removal, reminders }, 'lifecycle run finished');
    return { removal, reminders };
  }

  async function safeRun(): Promise<void> {
    try {
      await runLifecycle();
    } catch (err) {
      ctx.log.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'lifecycle run failed');
    }
  }

  return {
    runLifecycle,
    start(): void {
      const { schedule, runAtStart } = ctx.config.lifecycle;
      task = cron.schedule(schedule, safeRun, { timezone: ctx.config.timeZone, noOverlap: true, name: 'lifecycle' });
      if (runAtStart) void safeRun();
    },
    stop(): void {
      void task?.destroy();
      task = null;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
