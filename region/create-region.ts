import { mkdirSync } from 'node:fs';
import { importWatch, writeLockHeld } from './store/import-lock.js';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RegionConfig } from '../config/load.js';
import { createBsnVault } from './crypto/bsn-vault.js';
import { checkBsnKeys } from './crypto/key-check.js';
import { resolveBsnKeys } from './crypto/keys.js';
import { createHttpApp } from './http/app.js';
import { createConnector, type Connector } from '../connector/create-connector.js';
import { createLogger } from './log.js';
import { createAuditLog } from './store/audit.js';
import { openDatabase } from './store/db.js';
import { startCheckpointer, type Checkpointer } from './store/checkpointer.js';
import { REGION_MIGRATIONS } from './store/migrations.js';
import type { RegionContext } from './services/context.js';
import { createCovenantService } from './services/covenant.js';
import { createMatchService } from './services/matches.js';
import { createNoticeService } from './services/notices.js';
import { createSignalService } from './services/signals.js';
import { createOutbox } from './services/outbox.js';
import { createRemoteMatches } from './services/remote-matches.js';
import { createFamilyMatches } from './services/family-matches.js';
import { createVerification } from './services/verification.js';
import { createLifecycleService } from './services/lifecycle.js';
import { createCoordinationService } from './services/coordination.js';
import { createInformingService } from './services/informing.js';
import { createCheckerService } from './services/checker.js';
import { createHandoverService } from './services/handover.js';
import { createDataSubjectService } from './services/data-subject.js';
import { createBulkImportService } from './services/bulk-import.js';
import { createJobRuns } from './jobs/job-runs.js';
import { createScheduler } from './jobs/scheduler.js';
import { createPortalServices } from './portal/services.js';
import { createMailQueue } from './mail/mail-queue.js';
import { createMailSender } from './mail/mail-sender.js';
import { createMailWorker } from './mail/mail-worker.js';
import { createPersonRegistry } from './brp/registry.js';

export const REGION_DB_FILE = 'region.db';

export interface RegionOptions {
  log?: Logger;
  /** The current moment; tests pass a controllable clock. */
  now?: () => Date;
  /** Fault-injection seam for tests (see RegionContext.onStep). */
  onStep?: (step: string, id: string) => void;
}

/** The composition root of one regional index: builds everything from a config object. */
export function createRegionServices(config: RegionConfig, options: RegionOptions = {}) {
  // Owner only, like the database in it (store/db.ts); an existing folder keeps its mode.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? createLogger(config.log.level);
  const db = openDatabase(join(config.dataDir, REGION_DB_FILE), REGION_MIGRATIONS);
  const keys = resolveBsnKeys(config, log);
  const vault = createBsnVault(keys.encryption, keys.index);
  try {
    checkBsnKeys(db, vault, options.now?.() ?? new Date());
  } catch (err) {
    db.close();
    throw err;
  }
  const ctx: RegionContext = {
    db,
    vault,
    audit: createAuditLog(db),
    config,
    log,
    now: options.now ?? (() => new Date()),
    onStep: options.onStep,
    importRunning: importWatch(config.dataDir, () => writeLockHeld(db)),
  };
  const covenant = createCovenantService(ctx);
  const notices = createNoticeService(ctx);
  const coordination = createCoordinationService(ctx, notices);
  const remoteMatches = createRemoteMatches(ctx, notices, coordination);
  const matches = createMatchService(ctx, notices, coordination, remoteMatches);
  const informing = createInformingService(ctx);
  const outbox = createOutbox(ctx, notices);
  const family = createFamilyMatches(ctx, notices, remoteMatches);
  const signals = createSignalService(ctx, matches, notices, outbox, family);
  const lifecycle = createLifecycleService(ctx, signals, notices, outbox);
  const jobRuns = createJobRuns(ctx);
  const persons = createPersonRegistry(ctx);
  const verification = createVerification(ctx, persons, signals, family, notices, lifecycle);
  const scheduler = createScheduler(ctx, jobRuns, lifecycle, verification);
  const checker = createCheckerService(ctx, matches);
  const handover = createHandoverService(ctx, notices, coordination, matches, outbox);
  const dataSubject = createDataSubjectService(ctx, signals, lifecycle);
  const bulkImport = createBulkImportService(ctx, matches, coordination);
  const portal = createPortalServices(ctx, covenant);
  const mailQueue = createMailQueue(ctx);
  const mailWorker = createMailWorker(ctx, mailQueue, () => createMailSender(config));
  return { ctx, covenant, notices, coordination, remoteMatches, matches, outbox, signals, informing, lifecycle, jobRuns, scheduler, checker, handover, dataSubject, portal, mailQueue, mailWorker, persons, family, verification, bulkImport };
}

export type RegionServices = ReturnType<typeof createRegionServices>;

export interface Region extends RegionServices {
  connector: Connector | null;
  app: ReturnType<typeof createHttpApp>;
  /** Listens on config.host:config.port (0 for any free port) and resolves with the bound port. */
  start(): Promise<number>;
  close(): Promise<void>;
}

export function createRegion(config: RegionConfig, options: RegionOptions = {}): Region {
  const services = createRegionServices(config, options);
  const connector = config.national.enabled ? createConnector(services) : null;
  const app = createHttpApp(services, connector);
  let server: Server | null = null;
  let checkpointer: Checkpointer | null = null;
  return {
    ...services,
    app,
    start: () =>
      new Promise((resolve, reject) => {
        server = app.listen(config.port, config.host, (err?: Error) => {
          if (err) return reject(err);
          services.scheduler.start();
          connector?.start();
          services.mailWorker.start();
          checkpointer = startCheckpointer(services.ctx.db, services.ctx.log);
          const address = server!.address();
          resolve(typeof address === 'object' && address ? address.port : config.port);
        });
      }),
    connector,
    close: async () => {
      services.scheduler.stop();
      await connector?.stop();
      await services.mailWorker.stop();
      if (server) {
        const s = server;
        server = null;
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await checkpointer?.stop();
      checkpointer = null;
      services.ctx.db.close();
    },
  };
}
