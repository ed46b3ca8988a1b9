import Database from 'better-sqlite3';
import express from 'express';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createRegionServices } from '../../region/create-region.js';
import { createHttpApp } from '../../region/http/app.js';
import { createLogger } from '../../region/log.js';
import { startCheckpointer } from '../../region/store/checkpointer.js';
import { memoryMiB, tell } from '../lib/child.js';
import { benchConfig } from '../lib/region.js';

/**
 * An HTTP server for benchmark 1, on 127.0.0.1 and a free port: `region` is the regional index's
 * own app on a region of `dataDir` (production log level, and the federation on so that each
 * registration writes its outbox event; the connector that would deliver it is left out, it is
 * the federation benchmarks' business); `baseline` is a bare express 5 JSON POST inserting one
 * row into better-sqlite3 with the same pragmas. Tells `ready` with the port; counts its CPU time
 * between `period-start` and `period-end`; stops on `stop`, telling its memory and that CPU time.
 * Args: <region|baseline> <dataDir>
 */
const [kind, dataDir] = process.argv.slice(2);

function regionApp(): { app: express.Express; close: () => Promise<void> } {
  const config = benchConfig(dataDir, {
    log: { level: 'info' },
    national: { enabled: true, url: 'http://127.0.0.1:9/sync', allowPlainHttp: true },
  });
  const services = createRegionServices(config, { log: createLogger(config.log.level) });
  // As createRegion does when it starts listening.
  const checkpointer = startCheckpointer(services.ctx.db, services.ctx.log);
  return { app: createHttpApp(services, null), close: async () => {
      await checkpointer.stop();
      services.ctx.db.close();
    },
  };
}

function baselineApp(): { app: express.Express; close: () => Promise<void> } {
  const db = new Database(join(dataDir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS signals (id TEXT PRIMARY KEY, bsn TEXT, birth_date TEXT, municipality TEXT, professional_id TEXT, registered_at TEXT)');
  const insert = db.prepare('INSERT INTO signals (id, bsn, birth_date, municipality, professional_id, registered_at) VALUES (?, ?, ?, ?, ?, ?)');
  const app = express();
  app.use(express.json());
  app.post('/api/v1/signals', (req, res) => {
    const b = req.body as { bsn: string; birthDate: string; municipality: string };
    const id = randomUUID();
    insert.run(id, b.bsn, b.birthDate, b.municipality, req.get('x-professional-id') ?? null, new Date().toISOString());
    res.status(201).json({ id });
  });
  return {
    app,
    close: async () => {
      db.close();
    },
  };
}

const { app, close } = kind === 'region' ? regionApp() : baselineApp();
const server: Server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  void tell({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 } as { type: string });
});
// The server's CPU time over the measured period (the runner says when it starts and ends).
let periodStart: NodeJS.CpuUsage | null = null;
let periodCpu: NodeJS.CpuUsage | null = null;
process.on('message', (m: { type: string }) => {
  if (m.type === 'period-start') periodStart = process.cpuUsage();
  if (m.type === 'period-end' && periodStart) periodCpu = process.cpuUsage(periodStart);
  if (m.type !== 'stop') return;
  const cpuMs = periodCpu ? { user: periodCpu.user / 1000, system: periodCpu.system / 1000 } : null;
  void tell({ type: 'stopped', memory: memoryMiB(), cpuMs } as { type: string }).then(() => {
    server.closeAllConnections();
    server.close(() => {
      void close().then(() => process.disconnect());
    });
  });
});
