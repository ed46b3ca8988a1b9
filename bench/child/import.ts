import type { ImportReport } from '../../region/services/bulk-import.js';
import { childMain, memoryMiB } from '../lib/child.js';
import { withServices } from '../lib/region.js';

/**
 * Imports an NDJSON file into a region with the product's bulk import, as `region import-signals`
 * does, and reports the import's own report, its CPU time and the process's peak memory.
 * Args: <dataDir> <file> [workers]
 */
export interface ImportResult {
  type: 'result';
  report: ImportReport;
  cpuMs: number;
  memory: { rss: number; peak: number };
  before: { rss: number; peak: number };
}

await childMain(() => {
  const [dataDir, file, workers] = process.argv.slice(2);
  return withServices(dataDir, (s) => {
    const before = memoryMiB();
    const cpu = process.cpuUsage();
    const report = s.bulkImport.importFile({ kind: 'system' }, file, workers === undefined ? {} : { workers: Number(workers) });
    const used = process.cpuUsage(cpu);
    const result: ImportResult = { type: 'result', report, cpuMs: (used.user + used.system) / 1000, memory: memoryMiB(), before };
    return result;
  });
});
