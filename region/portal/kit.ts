import type { Request, Response } from 'express';
import type { RegionServices } from '../create-region.js';
import { AppError } from '../errors.js';
import { html, type HtmlValue } from './html.js';
import { errorText } from './labels.js';
import { page } from './layout.js';
import type { Principal, PrincipalOf } from './principal.js';
import type { Flash, SessionRow } from './sessions.js';

/** What every portal page handler shares: the services, the request's session and principal, rendering and redirects. */
export interface PortalState {
  session: SessionRow | null;
  principal: Principal | null;
  flash: Flash | null;
}

declare module 'express-serve-static-core' {
  interface Locals {
    portal?: PortalState;
  }
}

export function state(res: Response): PortalState {
  return (res.locals.portal ??= { session: null, principal: null, flash: null });
}

export function principalOf<R extends Principal['role']>(res: Response, role: R): PrincipalOf<R> {
  const p = state(res).principal;
  if (!p || p.role !== role) throw new AppError('NOT_FOUND', 'page not found', 404);
  return p as PrincipalOf<R>;
}

export function createKit(s: RegionServices) {
  const regionName = s.ctx.config.region.name;
  return {
    s,
    regionName,
    timeZone: s.ctx.config.timeZone,
    csrf: (res: Response): string | null => state(res).session?.csrf_token ?? null,
    render(req: Request, res: Response, title: string, body: HtmlValue, status = 200): void {
      const st = state(res);
      res
        .status(status)
        .type('html')
        .send(page({ title, regionName, principal: st.principal, csrf: st.session?.csrf_token, flash: st.flash, path: req.originalUrl.split('?')[0], body }).value);
    },
    /** Post/redirect/get: a message for the next page, then a 303 to it. */
    redirect(res: Response, to: string, flash?: Flash): void {
      const session = state(res).session;
      if (flash && session) s.portal.sessions.setFlash(session, flash);
      res.redirect(303, to);
    },
    /** Runs a service call for a form; a refusal the person can fix goes back as a message on `back`. */
    attempt(res: Response, back: string, work: () => void, ok: string, to = back): void {
      try {
        work();
      } catch (err) {
        if (err instanceof AppError && err.status < 500 && err.status !== 404) {
          this.redirect(res, back, { kind: 'error', text: errorText(err) });
          return;
        }
        throw err;
      }
      this.redirect(res, to, { kind: 'ok', text: ok });
    },
    notFoundBody: () => html`<p class="utrecht-paragraph">Deze pagina bestaat niet, of u hebt er geen toegang toe.</p>
      <p class="utrecht-paragraph"><a class="utrecht-link" href="/portal/">Naar de startpagina</a></p>`,
  };
}

export type PortalKit = ReturnType<typeof createKit>;
