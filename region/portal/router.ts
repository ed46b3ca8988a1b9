import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { portalCookieSecure } from '../../config/load.js';
import type { RegionServices } from '../create-region.js';
import { AppError } from '../errors.js';
import { html } from './html.js';
import { createKit, state } from './kit.js';
import { errorText, formatMoment } from './labels.js';
import { adminAccountRoutes } from './pages-admin-accounts.js';
import { adminRoutes, adminStart } from './pages-admin.js';
import { authRoutes } from './pages-auth.js';
import { checkerRoutes, checkerStart } from './pages-checker.js';
import { coordinatorRoutes, coordinatorStart } from './pages-coordinator.js';
import { matchRoutes } from './pages-matches.js';
import { professionalRoutes, professionalStart } from './pages-professional.js';
import { signalRoutes } from './pages-signals.js';
import { principalAudit, resolvePrincipal, type Principal } from './principal.js';

/**
 * The portal, mounted under /portal: server-rendered pages in Dutch, no JavaScript. Security:
 * a strict CSP (no inline script or style), sessions in HttpOnly SameSite=Strict cookies, a CSRF
 * token on every form checked on every POST, and each path only for its role; someone else's
 * records answer 404, like pages that do not exist.
 */
const ROLE_OF_PATH: [string, Principal['role']][] = [
  ['/meldingen', 'professional'], ['/matches', 'professional'], ['/berichten', 'professional'],
  ['/instelling', 'coordinator'], ['/toezicht', 'checker'], ['/beheer', 'admin'],
];
const PUBLIC_PATHS = ['/inloggen', '/inloggen/code', '/account/instellen', '/account/tweede-factor', '/uitloggen'];

/** The folder of an installed package, found from here upwards (works from the sources and in the image). */
function packageDir(name: string): string {
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`package ${name} is not installed`);
    dir = up;
  }
}

function contentSecurityPolicy(secure: boolean): string {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'", ...(secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** A browser's Origin header, when it names one, names this host ("null" is what a privacy setting may send). */
function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin || origin === 'null') return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function portalRoutes(s: RegionServices): Router {
  const kit = createKit(s);
  const { ctx } = s;
  const { sessions, accounts } = s.portal;
  const secure = portalCookieSecure(ctx.config);
  const r = Router();

  r.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(secure));
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    next();
  });
  const assets = { index: false, fallthrough: false, maxAge: '1h' } as const;
  r.use('/assets/utrecht', express.static(join(packageDir('@utrecht/component-library-css'), 'dist'), assets));
  r.use('/assets/tokens', express.static(join(packageDir('@utrecht/design-tokens'), 'dist'), assets));
  r.use('/assets/fonts', express.static(packageDir('@fontsource-variable/noto-sans'), assets));
  r.use('/assets', express.static(join(import.meta.dirname, 'assets'), assets));

  r.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  r.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 200 }));
  // An operator's import holds the write lock: said at once, instead of a wait and an error page.
  r.use((req, res, next) => {
    const note = ctx.importRunning();
    if (!note) return next();
    res.setHeader('Retry-After', '30');
    kit.render(req, res, 'Even geduld', html`<p class="utrecht-paragraph">De verwijsindex verwerkt nu een import van meldingen (sinds ${formatMoment(note.startedAt, ctx.config.timeZone)}). Er is niets veranderd; probeer het over een paar minuten opnieuw.</p>`, 503);
  });

  // The session and, when logged in, the principal; a withdrawn authorisation ends the session.
  r.use((req, res, next) => {
    const st = state(res);
    const { session, expired } = sessions.load(req);
    st.session = session;
    if (session?.stage === 'active' && session.account_id) {
      const account = accounts.byId(session.account_id);
      st.principal = account ? resolvePrincipal(s.covenant, account) : null;
      if (!st.principal) {
        sessions.end(res, session);
        st.session = null;
      }
    }
    if (session && req.method === 'GET') st.flash = sessions.takeFlash(session);
    if (expired) res.locals.sessionExpired = true;
    next();
  });

  // CSRF: every POST carries the session's token in a hidden field, and comes from this origin.
  r.use((req, res, next) => {
    if (req.method !== 'POST') return next();
    const st = state(res);
    const token = typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : '';
    if (st.session && sameOrigin(req) && token && sameText(token, st.session.csrf_token)) return next();
    ctx.audit.record({ ...(st.principal ? principalAudit(st.principal) : { actorKind: 'anonymous' as const }), action: 'portal.csrf', objectType: 'route', objectId: `POST ${req.baseUrl}${req.path}`, outcome: 'denied' }, ctx.now());
    st.principal = null;
    kit.render(req, res, 'Formulier verlopen', html`
      <p class="utrecht-paragraph">Dit formulier is verlopen of kwam niet van deze website. Er is niets opgeslagen.</p>
      <p class="utrecht-paragraph"><a class="utrecht-link" href="/portal/">Ga terug en probeer het opnieuw</a>.</p>`, 403);
  });

  r.use(authRoutes(kit));

  // Everything else needs a login, in the role the path belongs to.
  r.use((req, res, next) => {
    const st = state(res);
    if (PUBLIC_PATHS.includes(req.path.toLowerCase())) return next();
    if (!st.principal) {
      const flash = res.locals.sessionExpired ? { kind: 'info' as const, text: 'Uw sessie is verlopen. Log opnieuw in.' } : { kind: 'info' as const, text: 'Log in om verder te gaan.' };
      if (st.session) sessions.setFlash(st.session, flash);
      else sessions.anonymous(res, flash);
      return res.redirect(303, '/portal/inloggen');
    }
    // Express matches routes whatever the case (/Meldingen/nieuw is /meldingen/nieuw), so the role of a path is judged the same way.
    const path = req.path.toLowerCase();
    const rule = ROLE_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
    if (rule && rule[1] !== st.principal.role) throw new AppError('NOT_FOUND', 'page not found', 404);
    next();
  });

  const starts: Record<Principal['role'], RequestHandler> = {
    professional: professionalStart(kit), coordinator: coordinatorStart(kit), checker: checkerStart(kit), admin: adminStart(kit),
  };
  r.get('/', (req, res, next) => starts[state(res).principal!.role](req, res, next));
  r.use(professionalRoutes(kit), signalRoutes(kit), matchRoutes(kit), coordinatorRoutes(kit), checkerRoutes(kit), adminRoutes(kit), adminAccountRoutes(kit));

  r.use((req, res) => kit.render(req, res, 'Pagina niet gevonden', kit.notFoundBody(), 404));
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof AppError && err.status === 404) return kit.render(req, res, 'Pagina niet gevonden', kit.notFoundBody(), 404);
    if (err instanceof AppError && err.status < 500) return kit.render(req, res, 'Dat lukte niet', html`<p class="utrecht-paragraph">${errorText(err)}</p>`, err.status);
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return kit.render(req, res, status === 404 ? 'Pagina niet gevonden' : 'Verzoek niet te lezen', status === 404 ? kit.notFoundBody() : html`<p class="utrecht-paragraph">Het formulier kon niet gelezen worden (te groot of ongeldig).</p>`, status);
    }
    ctx.log.error({ err: { type: (err as Error).name, stack: (err as Error).stack }, method: req.method, route: req.route?.path }, 'portal request failed');
    kit.render(req, res, 'Er ging iets mis', html`<p class="utrecht-paragraph">Er ging iets mis aan onze kant. Het is vastgelegd; probeer het later opnieuw.</p>`, 500);
  };
  r.use(onError);
  return r;
}
