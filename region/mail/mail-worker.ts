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
  /** Set by stop(): the pass running ends after the mail it is sending. */
  let closing = false;
  let transport: MailSender | null = null;
  /**
   * Mails the SMTP server accepted whose mark could not be written yet (another writer, such as an
   * operator's import, held the database past the busy timeout). They stay claimed, so no pass
   * sends them again, and are marked first thing at the next pass.
   */
  const accepted = new Set<number>();

  /** Marks what was accepted; false when the database is locked (the rest waits for the next pass). */
  function markAccepted(): boolean {
    for (const id of accepted) {
      try {
        queue.markSent(id);
      } catch (err) {
        if (String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return false;
        throw err;
      }
      accepted.delete(id);
    }
    return true;
  }

  async function sendDue(): Promise<{ queued: number; sent: number; failed: number }> {
    let queued = 0;
    let sent = 0;
    let failed = 0;
    if (!markAccepted()) return { queued, sent, failed };
    // New notices are queued before each batch, so a long pass does not hold them back; a stop ends the pass between mails.
    while (!closing && !ctx.importRunning()) {
      queued += queue.enqueueNewNotices();
      const batch = queue.claimDue(20);
      if (batch.length === 0) break;
      for (const row of batch) {
        if (closing) break; // still claimed: sent once the claim lapses, after the next start
        try {
          transport ??= sender();
          await transport.send({ to: row.recipient, subject: row.subject, text: row.body, messageId: `<notice-${row.notice_id}@${ctx.config.region.id}.verwijsindex>` });
        } catch (err) {
          const code = (err as { code?: string }).code ?? (err as Error).name;
          const dead = queue.markFailed(row, `${code}: ${(err as Error).message}`);
          ctx.log.warn({ mailId: row.id, attempts: row.attempts, code, dead }, 'mail not sent');
          failed++;
          continue;
        }
        // Accepted by the SMTP server: it must never be sent again, whether or not its mark can be written now.
        sent++;
        accepted.add(row.id);
        // Locked by another writer: the pass ends here rather than wait out the busy timeout after every mail; the
        // batch's other mails stay claimed and go once the claim lapses.
        if (!markAccepted()) return { queued, sent, failed };
      }
    }
    return { queued, sent, failed };
  }

  async function pass(): Promise<{ queued: number; sent: number; failed: number }> {
    if (ctx.importRunning()) return { queued: 0, sent: 0, failed: 0 }; // after the import
    const { queued, sent, failed } = await sendDue();
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
      closing = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      closing = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
      markAccepted();
      transport?.close();
      transport = null;
    },
  };
}

export type MailWorker = ReturnType<typeof createMailWorker>;
