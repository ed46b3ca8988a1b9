import { Router } from 'express';
import { AppError } from '../errors.js';
import type { RegionServices } from '../create-region.js';
import type { Connector } from '../../connector/create-connector.js';
import { connectorStatus, deadLetters } from '../../connector/status.js';
import { admin } from './auth.js';
import { noBody } from './errors.js';

/** Admin routes for the link with the national index: status, dead letters, sync and reconcile on demand. */
export function connectorRoutes(s: RegionServices, connector: Connector | null): Router {
  const r = Router();
  const need = (): Connector => {
    if (!connector) throw new AppError('CONNECTOR_DISABLED', 'the connector to the national index is not enabled (national.enabled)', 409);
    return connector;
  };
  r.get('/connector', (_req, res) => {
    admin(res);
    res.json(connectorStatus(s.ctx.db, connector !== null, s.ctx.now()));
  });
  r.get('/connector/dead-letters', (_req, res) => {
    admin(res);
    res.json(deadLetters(s.ctx.db));
  });
  r.post('/connector/sync', (req, res) => {
    admin(res);
    noBody(req.body);
    need().syncNow();
    res.status(202).json({ status: 'sync started' });
  });
  r.post('/connector/reconcile', async (req, res) => {
    admin(res);
    noBody(req.body);
    res.json(await need().reconcile());
  });
  return r;
}
