import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { INSTITUTION_CATEGORIES, INSTITUTION_CATEGORY_CODES } from '../domain/categories.js';
import { AppError } from '../errors.js';
import { CONTROL_CHARACTERS } from '../services/covenant-schemas.js';
import { badge, button, dataList, errorSummary, fieldset, form, heading2, link, paragraph, parseForm, selectField, table, textField, type FieldErrors } from './forms.js';
import { html } from './html.js';
import { errorText } from './labels.js';
import { principalOf, type PortalKit } from './kit.js';

/** The covenant administrator: municipalities with their checkers, institutions and their professionals. */
const name = z.string().trim().min(1, 'Vul de naam in.').max(200, 'Hoogstens 200 tekens.').refine((v) => !CONTROL_CHARACTERS.test(v), 'Gebruik geen stuurtekens (zoals een tab of een nieuwe regel).');
const email = z.email('Vul een e-mailadres in, zoals naam@organisatie.nl.').max(200);
const phone = z.string().trim().regex(/^\+?[0-9 ()-]{6,20}$/, 'Vul een telefoonnummer in, zoals 030-1234567.');
const municipalityForm = z.object({
  code: z.string().trim().regex(/^\d{4}$/, 'Vul de CBS-code van 4 cijfers in, zoals 0344.'),
  naam: name, toezicht_naam: name, toezicht_email: email, toezicht_telefoon: phone,
});
const institutionForm = z.object({ naam: name, categorie: z.enum(INSTITUTION_CATEGORY_CODES, { error: 'Kies een categorie.' }) });
const professionalForm = z.object({ naam: name, functie: name, email, telefoon: phone });
const flagForm = z.object({ waarde: z.enum(['ja', 'nee']) });

const CATEGORY_OPTIONS = INSTITUTION_CATEGORY_CODES.map((c) => ({ value: c, label: INSTITUTION_CATEGORIES[c] }));

export function adminStart(kit: PortalKit) {
  return (req: Request, res: Response): void => {
    principalOf(res, 'admin');
    const { s } = kit;
    const mail = s.mailQueue.stats();
    kit.render(req, res, 'Beheer van het convenant', html`
      ${dataList([
        ['Gemeenten', String(s.covenant.listMunicipalities().length)],
        ['Instellingen', String(s.covenant.listInstitutions().length)],
        ['Portaalaccounts', String(s.portal.accounts.list().length)],
        ['E-mail', s.ctx.config.mail.enabled ? `aan; ${mail.queued} in de wachtrij, ${mail.dead} niet te bezorgen` : 'uit (mail.enabled)'],
      ])}
      <ul class="utrecht-link-list utrecht-link-list--html-ul">
        <li class="utrecht-link-list__item">${link('/portal/beheer/gemeenten', 'Gemeenten en hun toezichthouders')}</li>
        <li class="utrecht-link-list__item">${link('/portal/beheer/instellingen', 'Instellingen en hun professionals')}</li>
        <li class="utrecht-link-list__item">${link('/portal/beheer/accounts', 'Accounts voor het portaal')}</li>
        <li class="utrecht-link-list__item">${link('/portal/beheer/configuratie', 'Configuratie')}</li>
        <li class="utrecht-link-list__item">${link('/portal/beheer/koppelingen', 'Koppelingen: landelijke verwijsindex en e-mail')}</li>
      </ul>`);
  };
}

export function adminRoutes(kit: PortalKit): Router {
  const r = Router();
  const { s } = kit;

  function municipalitiesPage(req: Request, res: Response, values: Record<string, unknown> = {}, errors: FieldErrors = {}, status = 200): void {
    principalOf(res, 'admin');
    const list = s.covenant.listMunicipalities() as { code: string; name: string; checker_name: string; checker_email: string; checker_phone: string }[];
    const v = (k: string): string => String(values[k] ?? '');
    kit.render(req, res, 'Gemeenten', html`
      ${table('Gemeenten in het convenantgebied', ['Code', 'Gemeente', 'Toezichthouder', 'E-mail', 'Telefoon'],
        list.map((m) => [m.code, m.name, m.checker_name, m.checker_email, m.checker_phone]), 'Er zijn nog geen gemeenten.')}
      <section aria-labelledby="toevoegen">${heading2('Gemeente toevoegen', 'toevoegen')}
      ${errorSummary(errors, { code: 'CBS-code', naam: 'Naam', toezicht_naam: 'Naam toezichthouder', toezicht_email: 'E-mail toezichthouder', toezicht_telefoon: 'Telefoon toezichthouder' })}
      ${form('/portal/beheer/gemeenten', kit.csrf(res), html`
        ${textField({ name: 'code', label: 'CBS-code', value: v('code'), inputmode: 'numeric', maxlength: 4, error: errors.code })}
        ${textField({ name: 'naam', label: 'Naam van de gemeente', value: v('naam'), error: errors.naam })}
        ${fieldset('Toezichthouder van de gemeente (artikel 7.1.3.2 Jeugdwet)', html`
          ${textField({ name: 'toezicht_naam', label: 'Naam', value: v('toezicht_naam'), error: errors.toezicht_naam })}
          ${textField({ name: 'toezicht_email', label: 'E-mail', type: 'email', value: v('toezicht_email'), error: errors.toezicht_email })}
          ${textField({ name: 'toezicht_telefoon', label: 'Telefoon', type: 'tel', value: v('toezicht_telefoon'), error: errors.toezicht_telefoon })}`, { id: 'toezicht' })}
        ${button('Gemeente toevoegen')}`)}
      </section>`, status);
  }

  r.get('/beheer/gemeenten', (req, res) => municipalitiesPage(req, res));
  r.post('/beheer/gemeenten', (req, res) => {
    const p = principalOf(res, 'admin');
    const f = parseForm(municipalityForm, req.body);
    if (!f.ok) return municipalitiesPage(req, res, req.body, f.errors, 422);
    try {
      s.covenant.addMunicipality(p.actor, { code: f.data.code, name: f.data.naam, checker: { name: f.data.toezicht_naam, email: f.data.toezicht_email, phone: f.data.toezicht_telefoon } });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return municipalitiesPage(req, res, req.body, { code: errorText(err) }, 422);
      throw err;
    }
    kit.redirect(res, '/portal/beheer/gemeenten', { kind: 'ok', text: `Gemeente ${f.data.naam} is toegevoegd.` });
  });

  function institutionsPage(req: Request, res: Response, values: Record<string, unknown> = {}, errors: FieldErrors = {}, status = 200): void {
    principalOf(res, 'admin');
    const list = s.covenant.listInstitutions() as { id: string; name: string; category: keyof typeof INSTITUTION_CATEGORIES }[];
    kit.render(req, res, 'Instellingen', html`
      ${table('Instellingen onder het convenant', ['Instelling', 'Categorie'],
        list.map((i) => [link(`/portal/beheer/instellingen/${i.id}`, i.name), INSTITUTION_CATEGORIES[i.category] ?? i.category]), 'Er zijn nog geen instellingen.')}
      <section aria-labelledby="toevoegen">${heading2('Instelling toevoegen', 'toevoegen')}
      ${errorSummary(errors, { naam: 'Naam', categorie: 'Categorie' })}
      ${form('/portal/beheer/instellingen', kit.csrf(res), html`
        ${textField({ name: 'naam', label: 'Naam van de instelling', value: String(values.naam ?? ''), error: errors.naam })}
        ${selectField({ name: 'categorie', label: 'Categorie (Besluit Jeugdwet 7.1.1–7.1.7)', options: CATEGORY_OPTIONS, value: String(values.categorie ?? ''), placeholder: 'Kies een categorie', error: errors.categorie })}
        ${button('Instelling toevoegen')}`)}
      </section>`, status);
  }

  r.get('/beheer/instellingen', (req, res) => institutionsPage(req, res));
  r.post('/beheer/instellingen', (req, res) => {
    const p = principalOf(res, 'admin');
    const f = parseForm(institutionForm, req.body);
    if (!f.ok) return institutionsPage(req, res, req.body, f.errors, 422);
    const { id } = s.covenant.addInstitution(p.actor, { name: f.data.naam, category: f.data.categorie });
    kit.redirect(res, `/portal/beheer/instellingen/${id}`, { kind: 'ok', text: `${f.data.naam} is toegevoegd.` });
  });

  function institutionPage(req: Request, res: Response, values: Record<string, unknown> = {}, errors: FieldErrors = {}, status = 200): void {
    principalOf(res, 'admin');
    const inst = s.covenant.requireInstitution(req.params.id as string);
    const pros = s.covenant.listProfessionals(inst.id);
    const csrf = kit.csrf(res);
    const base = `/portal/beheer/instellingen/${inst.id}`;
    const v = (k: string): string => String(values[k] ?? '');
    kit.render(req, res, inst.name, html`
      ${paragraph(`Categorie: ${INSTITUTION_CATEGORIES[inst.category as keyof typeof INSTITUTION_CATEGORIES] ?? inst.category}`)}
      ${table(`Professionals van ${inst.name}`, ['Naam', 'Functie', 'E-mail', 'Telefoon', 'Bevoegd', 'Coördinator'],
        pros.map((x) => [
          x.name, x.function, x.email, x.phone,
          form(`${base}/professionals/${x.id}/bevoegdheid`, csrf, html`${x.authorised ? badge('Bevoegd', 'success') : badge('Niet bevoegd', 'neutral')} <input type="hidden" name="waarde" value="${x.authorised ? 'nee' : 'ja'}">${button(x.authorised ? `Intrekken voor ${x.name}` : `Bevoegd maken: ${x.name}`, 'subtle')}`),
          form(`${base}/professionals/${x.id}/coordinator`, csrf, html`${x.coordinator ? 'Ja' : 'Nee'} <input type="hidden" name="waarde" value="${x.coordinator ? 'nee' : 'ja'}">${button(x.coordinator ? `Geen coördinator meer: ${x.name}` : `Maak ${x.name} coördinator`, 'subtle')}`),
        ]), 'Deze instelling heeft nog geen professionals.')}
      <section aria-labelledby="toevoegen">${heading2('Professional toevoegen', 'toevoegen')}
      ${errorSummary(errors, { naam: 'Naam', functie: 'Functie', email: 'E-mail', telefoon: 'Telefoon' })}
      ${form(`${base}/professionals`, csrf, html`
        ${textField({ name: 'naam', label: 'Naam', value: v('naam'), error: errors.naam })}
        ${textField({ name: 'functie', label: 'Functie', value: v('functie'), error: errors.functie })}
        ${textField({ name: 'email', label: 'E-mail', type: 'email', value: v('email'), error: errors.email })}
        ${textField({ name: 'telefoon', label: 'Telefoon', type: 'tel', value: v('telefoon'), error: errors.telefoon })}
        ${button('Professional toevoegen')}`)}
      </section>
      ${paragraph(link('/portal/beheer/instellingen', 'Terug naar de instellingen'))}`, status);
  }

  r.get('/beheer/instellingen/:id', (req, res) => institutionPage(req, res));
  r.post('/beheer/instellingen/:id/professionals', (req, res) => {
    const p = principalOf(res, 'admin');
    const f = parseForm(professionalForm, req.body);
    if (!f.ok) return institutionPage(req, res, req.body, f.errors, 422);
    s.covenant.addProfessional(p.actor, req.params.id, { name: f.data.naam, function: f.data.functie, email: f.data.email, phone: f.data.telefoon });
    kit.redirect(res, `/portal/beheer/instellingen/${req.params.id}`, { kind: 'ok', text: `${f.data.naam} is toegevoegd.` });
  });
  r.post('/beheer/instellingen/:id/professionals/:pid/:what', (req, res) => {
    const p = principalOf(res, 'admin');
    const back = `/portal/beheer/instellingen/${req.params.id}`;
    const f = parseForm(flagForm, req.body);
    if (!f.ok) return kit.redirect(res, back);
    const yes = f.data.waarde === 'ja';
    if (req.params.what === 'bevoegdheid') {
      return kit.attempt(res, back, () => s.covenant.setAuthorised(p.actor, req.params.id, req.params.pid, yes), yes ? 'De professional is bevoegd gemaakt.' : 'De bevoegdheid is ingetrokken.');
    }
    if (req.params.what === 'coordinator') {
      return kit.attempt(res, back, () => s.covenant.setCoordinator(p.actor, req.params.id, req.params.pid, yes), yes ? 'De professional is coördinator.' : 'De professional is geen coördinator meer.');
    }
    throw new AppError('NOT_FOUND', 'page not found', 404);
  });

  return r;
}
