import type { RegionContext } from '../services/context.js';
import type { CovenantService } from '../services/covenant.js';
import { createAccountService } from './accounts.js';
import { createPortalQueries } from './queries.js';
import { createSessionService } from './sessions.js';
import { createLoginThrottle } from './throttle.js';

/** The portal's own services: accounts with their login rules, sessions, the per-address throttle, and its read queries. */
export function createPortalServices(ctx: RegionContext, covenant: CovenantService) {
  const throttle = createLoginThrottle(ctx.config.portal.maxFailuresPerIp, ctx.config.portal.lockoutMinutes);
  return {
    throttle,
    accounts: createAccountService(ctx, covenant, throttle),
    sessions: createSessionService(ctx),
    queries: createPortalQueries(ctx),
  };
}

export type PortalServices = ReturnType<typeof createPortalServices>;
