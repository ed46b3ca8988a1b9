import express, { type Express } from 'express';
import helmet from 'helmet';
import type { RegionServices } from '../create-region.js';
import type { Connector } from '../../connector/create-connector.js';
import { connectorRoutes } from './connector-routes.js';
import { requireAdmin, requireProfessional } from './auth.js';
import { adminRoutes } from './admin-routes.js';
import { errorHandler, unknownRoute } from './errors.js';
import { openApiDocument } from './openapi.js';
import { signalRoutes } from './signal-routes.js';
import { coordinationRoutes } from './coordination-routes.js';
import { adminLifecycleRoutes } from './admin-lifecycle-routes.js';
import { checkerRoutes, requireChecker } from './checker-routes.js';
import { adminAccountRoutes } from './admin-account-routes.js';
import { portalRoutes } from '../portal/router.js';

/** The regional index's HTTP surface: health, the admin API and the client-system API. */
export function createHttpApp(s: RegionServices, connector: Connector | null = null): Express {
  const { ctx } = s;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.http.trustProxy);
  app.use(helmet());
  // The access log line has fixed fields (method, route pattern, status, time) and never a path
  // with ids or a body, so it skips the redaction the other log lines go through (half its cost).
  const accessLog = ctx.log.child({}, { redact: { paths: [] } });
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      accessLog.info({ method: req.method, route: `${req.baseUrl}${req.route?.path ?? ''}`, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  });
  app.use(express.json({ limit: ctx.config.http.bodyLimit, strict: true }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', region: ctx.config.region.id });
  });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.get('/', (_req, res) => {
    res.redirect(302, '/portal/');
  });
  app.use('/portal', portalRoutes(s));
  // An operator's import holds the write lock: refused at once, not after the busy timeout of each request in turn.
  app.use('/api', (_req, res, next) => {
    const note = ctx.importRunning();
    if (!note) return next();
    res.status(503).set('retry-after', '30').json({ error: { code: 'BUSY', message: `an operator's import (${note.command}, since ${note.startedAt}) holds the index; nothing was changed, try again in a few minutes` } });
  });
  // The API reads JSON only: a body of another type reached the routes as no body ("body: is required").
  app.use('/api', (req, res, next) => {
    if (req.is('json') === false && req.headers['content-length'] !== '0') {
      res.status(415).json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the request body as JSON, with Content-Type: application/json' } });
      return;
    }
    next();
  });
  app.use('/api/v1/admin', requireAdmin(ctx, s.covenant), adminRoutes(s.covenant, s.notices), adminLifecycleRoutes(s), connectorRoutes(s, connector), adminAccountRoutes(s), unknownRoute);
  app.use('/api/v1/checker', requireChecker(ctx, s.checker), checkerRoutes(s.checker, s.notices), unknownRoute);
  app.use('/api/v1', requireProfessional(ctx, s.covenant), signalRoutes(s.signals, s.matches, s.notices, ctx.vault, s.verification), coordinationRoutes(s));
  app.use(unknownRoute);
  app.use(errorHandler(ctx.log));
  return app;
}
