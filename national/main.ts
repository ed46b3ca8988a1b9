import { ConfigError } from '../config/load.js';
import { loadNationalConfig } from './config.js';
import { createNational } from './create-national.js';

/** `npm run national`: the reference national index from NATIONAL_CONFIG. */
let config;
try {
  config = loadNationalConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const national = createNational(config);
const port = await national.start();
national.ctx.log.info({ port, regions: config.regions.map((r) => r.id), tls: config.tls !== null }, 'national index ready');
const stop = (): void => {
  national.close().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
