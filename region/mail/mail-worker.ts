import type { RegionContext } from '../services/context.js';
import type { MailQueue } from './mail-queue.js';
import type { MailSender } from './mail-sender.js';

/**
 * Polls every `mail.pollMs`: queues mails for new notices, then sends what is due. A failure is
 * logged by code only (never an address or a text) and retried later by the queue's back-off.
 * Runs only when `mail.enabled`; passes never overlap.
 */
export function createMailWorker(ctx: RegionContext, queue: MailQueue, sender: () => MailSender) {
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let stopped = true;
  let transport: MailSender | null = null;

  async function sendDue(): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (let batch = queue.claimDue(20); batch.length > 0; batch = queue.claimDue(20)) {
      for (const row of batch) {
        try {
          transport ??= sender();
          await transport.send({ to: row.recipient, subject: row.subject, text: row.body, messageId: `<notice-${row.notice_id}@${ctx.config.region.id}.verwijsindex>` });
          queue.markSent(row.id);
          sent++;
        } catch (err) {
          const code = (err as { code?: string }).code ?? (err as Error).name;
          const dead = queue.markFailed(row, `${code}: ${(err as Error).message}`);
          ctx.log.warn({ mailId: row.id, attempts: row.attempts, code, dead }, 'mail not sent');
          failed++;
        }
      }
    }
    return { sent, failed };
  }

  async function pass(): Promise<{ queued: number; sent: number; failed: number }> {
    const queued = queue.enqueueNewNotices();
    const { sent, failed } = await sendDue();
    if (queued + sent + failed > 0) ctx.log.info({ queued, sent, failed }, 'mail run');
    return { queued, sent, failed };
  }

  /** One pass, after any pass already running: queue new notices, send what is due. */
  function runOnce(): Promise<{ queued: number; sent: number; failed: number }> {
    const p = chain.then(pass);
    chain = p.catch(() => undefined);
    return p;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      runOnce()
        .catch((err: Error) => ctx.log.error({ err: { type: err.name, message: err.message } }, 'mail run failed'))
        .finally(schedule);
    }, ctx.config.mail.pollMs);
  }

  return {
    runOnce,
    start(): void {
      if (!ctx.config.mail.enabled || !stopped) return;
      stopped = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
      transport?.close();
      transport = null;
    },
  };
}

export type MailWorker = ReturnType<typeof createMailWorker>;
