import { ConfigError, loadConfig } from '../config/load.js';
import { LOCKED_MESSAGE } from './store/import-lock.js';
import { createRegion } from './create-region.js';
import { demoBanner, prepareDemo } from './demo.js';

/** `npm start`: the regional index from config/default.json and the environment. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const region = createRegion(config);
  const port = await region.start();
  const baseUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (config.demo) process.stdout.write(demoBanner(prepareDemo(region), baseUrl));
  region.ctx.log.info({ port, region: config.region.id, mode: config.mode }, 'regional index ready');
  const stop = (): void => {
    region.ctx.log.info({}, 'stopping');
    region.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  const locked = String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY');
  process.stderr.write(`start-up failed: ${locked ? LOCKED_MESSAGE : err.message}\n`);
  process.exit(1);
});
