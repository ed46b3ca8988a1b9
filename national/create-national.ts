import { readFileSync, mkdirSync } from 'node:fs';
import { BrpRequestError, BrpUnavailableError } from '../region/brp/errors.js';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { createBsnVault } from '../region/crypto/bsn-vault.js';
import { resolveBsnKeys } from '../region/crypto/keys.js';
import { createLogger } from '../region/log.js';
import { startCheckpointer, type Checkpointer } from '../region/store/checkpointer.js';
import { openDatabase } from '../region/store/db.js';
import type { NationalConfig } from './config.js';
import { createSoapApp } from './http/soap-server.js';
import { createFeed } from './services/feed.js';
import { UNAVAILABLE, type FamilyLookup } from './services/family.js';
import { createNationalIndex } from './services/index.js';
import { NATIONAL_MIGRATIONS } from './store/migrations.js';
import { createBrpPersonenClient } from '../region/brp/client.js';
import { familyLinks } from '../region/domain/family.js';

/**
 * Family links of a person from the BRP; null when the BRP does not know the BSN (no family
 * matching for it then); UNAVAILABLE when the BRP could not answer (the index looks it up again
 * later, see retryFamilyLookups).
 */
function familyLookup(config: NationalConfig, log: Logger): FamilyLookup {
  const client = createBrpPersonenClient({ baseUrl: config.brp!.personenUrl, apiKey: config.brp!.apiKey, apiKeyHeader: config.brp!.apiKeyHeader, timeoutMs: config.brp!.timeoutMs });
  const institutions = new Set(config.institutionAddressIds);
  return async (bsn) => {
    try {
      const person = await client.lookup(bsn);
      return person ? familyLinks(person, institutions) : null;
    } catch (err) {
      // This one person's answer (refused, or about someone else): no family links for it, as for a BSN the
      // BRP does not know. Tried again later, it would stop the retries of everyone after it each time.
      if (err instanceof BrpRequestError || (err instanceof BrpUnavailableError && err.reason === 'other-person')) {
        log.warn({ error: err.name }, 'the BRP gave no usable answer about a person; no family links for that signal');
        return null;
      }
      log.warn({ error: (err as Error).name }, 'BRP lookup for family links failed; it is tried again later');
      return UNAVAILABLE;
    }
  };
}

export interface NationalOptions {
  log?: Logger;
  now?: () => Date;
}

/** The composition root of the reference national index. */
export function createNational(config: NationalConfig, options: NationalOptions = {}) {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? createLogger(config.log.level).child({ service: 'national' });
  const db = openDatabase(join(config.dataDir, 'national.db'), NATIONAL_MIGRATIONS);
  const keys = resolveBsnKeys(
    { mode: config.mode, dataDir: config.dataDir, keys: config.keys } as Parameters<typeof resolveBsnKeys>[0],
    log,
  );
  const feed = createFeed(db);
  const lookupFamily = config.brp ? familyLookup(config, log) : null;
  const snapshotLimits = { idleMs: config.matchSnapshots.idleSeconds * 1000, maxAgeMs: config.matchSnapshots.maxAgeSeconds * 1000, max: config.matchSnapshots.max };
  const ctx = { db, vault: createBsnVault(keys.encryption, keys.index), feed, log, timeZone: config.timeZone, now: options.now ?? (() => new Date()), lookupFamily, snapshotLimits };
  const index = createNationalIndex(ctx);
  const app = createSoapApp(config, ctx, index, feed);
  let server: Server | null = null;
  let task: ScheduledTask | null = null;
  let checkpointer: Checkpointer | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retrying: Promise<unknown> | null = null;
  function retryFamilyLookups(): void {
    if (retrying) return;
    retrying = index
      .retryFamilyLookups()
      .then((r) => (r.found + r.unknown + r.stillUnavailable > 0 ? log.info(r, 'family links looked up again') : undefined))
      .catch((err: Error) => log.error({ err: { type: err.name, message: err.message } }, 'looking up family links again failed'))
      .finally(() => {
        retrying = null;
      });
  }

  function dailyRun(): void {
    try {
      const counts = index.runRemoval();
      const before = new Date(ctx.now().getTime() - config.feed.retentionDays * 86_400_000).toISOString();
      for (const r of config.regions) feed.prune(r.id, before);
      log.info(counts, 'national removal run finished');
    } catch (err) {
      log.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'national removal run failed');
    }
  }

  return {
    ctx,
    index,
    feed,
    app,
    dailyRun,
    start: (): Promise<number> =>
      new Promise((resolve, reject) => {
        server = config.tls
          ? createHttpsServer(
              { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile), ca: readFileSync(config.tls.caFile), requestCert: true, rejectUnauthorized: true },
              app,
            )
          : createHttpServer(app);
        server.requestTimeout = 60_000;
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          // WAL checkpoints in a worker thread, as in a region: a delivery's commit does not wait for the copy and the fsync.
          checkpointer = startCheckpointer(db, log);
          task = cron.schedule('15 0 * * *', dailyRun, { timezone: config.timeZone, noOverlap: true });
          dailyRun();
          if (config.brp) {
            retryTimer = setInterval(retryFamilyLookups, config.brp.retrySeconds * 1000);
            retryTimer.unref();
          }
          const a = server!.address();
          resolve(typeof a === 'object' && a ? a.port : config.port);
        });
      }),
    close: async (): Promise<void> => {
      void task?.destroy();
      if (retryTimer) clearInterval(retryTimer);
      retryTimer = null;
      await retrying;
      feed.wakeAll();
      if (server) {
        const s = server;
        server = null;
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
      await checkpointer?.stop();
      checkpointer = null;
      index.close();
      db.close();
    },
  };
}

export type National = ReturnType<typeof createNational>;
