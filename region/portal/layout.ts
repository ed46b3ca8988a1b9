import { html, type HtmlValue, type SafeHtml } from './html.js';
import type { Principal } from './principal.js';
import type { Flash } from './sessions.js';

/**
 * The HTML shell of every portal page, in the NL Design System (Utrecht components and design
 * tokens, served from this server): a skip link, a header that says who is logged in and in which
 * role, the menu of that role, the page, a footer. No inline script or style (the CSP forbids them).
 */
export interface PageOptions {
  title: string;
  regionName: string;
  principal?: Principal | null;
  csrf?: string | null;
  flash?: Flash | null;
  /** The path of the current page, to mark it in the menu. */
  path?: string;
  body: HtmlValue;
}

interface MenuItem {
  href: string;
  label: string;
}

export const MENUS: Record<Principal['role'], MenuItem[]> = {
  professional: [
    { href: '/portal/', label: 'Start' },
    { href: '/portal/meldingen/nieuw', label: 'Nieuwe melding' },
    { href: '/portal/meldingen', label: 'Mijn meldingen' },
    { href: '/portal/matches', label: 'Mijn matches' },
    { href: '/portal/berichten', label: 'Berichten' },
  ],
  coordinator: [
    { href: '/portal/', label: 'Start' },
    { href: '/portal/instelling/professionals', label: 'Professionals' },
    { href: '/portal/instelling/api-sleutels', label: 'API-sleutels' },
  ],
  checker: [
    { href: '/portal/', label: 'Start' },
    { href: '/portal/toezicht/matches', label: 'Matches in de gemeente' },
    { href: '/portal/toezicht/berichten', label: 'Berichten' },
  ],
  admin: [
    { href: '/portal/', label: 'Start' },
    { href: '/portal/beheer/gemeenten', label: 'Gemeenten' },
    { href: '/portal/beheer/instellingen', label: 'Instellingen' },
    { href: '/portal/beheer/accounts', label: 'Accounts' },
    { href: '/portal/beheer/configuratie', label: 'Configuratie' },
    { href: '/portal/beheer/koppelingen', label: 'Koppelingen' },
  ],
};

/** The menu item of the current page: the longest one the path falls under. */
function currentHref(items: MenuItem[], path: string | undefined): string | null {
  if (!path) return null;
  let best: string | null = null;
  for (const { href } of items) {
    const hit = href === '/portal/' ? path === '/portal/' || path === '/portal' : path === href || path.startsWith(`${href}/`);
    if (hit && (!best || href.length > best.length)) best = href;
  }
  return best;
}

export function csrfField(token: string | null | undefined): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token ?? ''}">`;
}

export function flashBox(flash: Flash | null | undefined): SafeHtml {
  if (!flash) return html``;
  const kind = flash.kind === 'error' ? 'error' : flash.kind === 'ok' ? 'ok' : 'info';
  return html`<div class="utrecht-alert utrecht-alert--${kind} vir-flash" role="${kind === 'error' ? 'alert' : 'status'}">
    <div class="utrecht-alert__content"><p class="utrecht-paragraph utrecht-alert__message">${flash.text}</p></div></div>`;
}

export function page(o: PageOptions): SafeHtml {
  const p = o.principal;
  const menu = p
    ? html`<nav class="utrecht-nav-bar vir-nav" aria-label="Hoofdmenu"><div class="utrecht-nav-bar__content"><ul class="utrecht-nav-list" role="list">
        ${MENUS[p.role].map((item) => {
          const current = item.href === currentHref(MENUS[p.role], o.path);
          return html`<li class="utrecht-nav-list__item"><a class="utrecht-nav-list__link vir-nav__link" href="${item.href}"${current ? html` aria-current="page"` : ''}>${item.label}</a></li>`;
        })}
      </ul></div></nav>`
    : '';
  const who = p
    ? html`<div class="vir-user">
        <p class="utrecht-paragraph vir-user__text">Ingelogd als <strong>${p.name}</strong><br><span class="vir-user__role">${p.roleText}</span></p>
        <form method="post" action="/portal/uitloggen" class="vir-user__logout">${csrfField(o.csrf)}<button type="submit" class="utrecht-button utrecht-button--secondary-action">Uitloggen</button></form>
      </div>`
    : html`<div class="vir-user"><p class="utrecht-paragraph vir-user__text">Niet ingelogd</p></div>`;
  return html`<!doctype html>
<html lang="nl" class="utrecht-theme">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} – Verwijsindex ${o.regionName}</title>
<link rel="stylesheet" href="/portal/assets/fonts/index.css">
<link rel="stylesheet" href="/portal/assets/tokens/index.css">
<link rel="stylesheet" href="/portal/assets/utrecht/index.css">
<link rel="stylesheet" href="/portal/assets/portal.css">
</head>
<body class="utrecht-document utrecht-page-body vir-body">
<a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">Direct naar de inhoud</a>
<header class="utrecht-page-header vir-header">
  <div class="vir-header__content">
    <p class="vir-logo"><span class="vir-logo__mark" aria-hidden="true"></span><span class="vir-logo__text">Verwijsindex Risicojongeren<span class="vir-logo__region">${o.regionName}</span></span></p>
    ${who}
  </div>
  ${menu}
</header>
<main id="inhoud" class="utrecht-page-content vir-main" tabindex="-1">
  ${flashBox(o.flash)}
  <h1 class="utrecht-heading-1">${o.title}</h1>
  ${o.body}
</main>
<footer class="utrecht-page-footer vir-footer">
  <div class="utrecht-page-footer__content vir-footer__content">
    <p class="utrecht-paragraph">Verwijsindex Risicojongeren, ${o.regionName}. Deze omgeving bevat geen inhoud van hulpverlening: alleen dát u betrokken bent bij een jeugdige (artikel 7.1.4.2 Jeugdwet).</p>
  </div>
</footer>
</body>
</html>`;
}
