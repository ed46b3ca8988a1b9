import type { z } from 'zod';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { csrfField } from './layout.js';

/**
 * Form parts in NL Design System markup (Utrecht form field, textbox, select, checkbox, button,
 * table, data list), each field with its label, description and error linked by id, and form
 * input parsed with zod at the edge into typed values or Dutch messages per field.
 */
export type FieldErrors = Record<string, string>;

interface FieldBase {
  name: string;
  label: string;
  error?: string;
  description?: string;
  required?: boolean;
  /** Prefix for the id, when a page holds the same field more than once. */
  idPrefix?: string;
}

function described(id: string, f: FieldBase): { attrs: SafeHtml; parts: SafeHtml } {
  const ids = [f.description ? `${id}-beschrijving` : null, f.error ? `${id}-fout` : null].filter(Boolean).join(' ');
  return {
    attrs: html`${ids ? html` aria-describedby="${ids}"` : ''}${f.error ? html` aria-invalid="true"` : ''}${f.required ? html` required` : ''}`,
    parts: html`${f.description ? html`<div class="utrecht-form-field-description utrecht-form-field__description" id="${id}-beschrijving">${f.description}</div>` : ''}
      ${f.error ? html`<div class="utrecht-form-field-error-message utrecht-form-field__error-message" id="${id}-fout">${f.error}</div>` : ''}`,
  };
}

const fieldId = (f: FieldBase): string => `${f.idPrefix ?? ''}${f.name}`;

export function textField(f: FieldBase & { value?: string | null; type?: string; autocomplete?: string; inputmode?: string; pattern?: string; maxlength?: number }): SafeHtml {
  const id = fieldId(f);
  const d = described(id, f);
  return html`<div class="utrecht-form-field utrecht-form-field--text${f.error ? ' utrecht-form-field--invalid' : ''}">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${id}">${f.label}</label></div>
    ${d.parts}
    <div class="utrecht-form-field__input"><input class="utrecht-textbox utrecht-textbox--html-input${f.error ? ' utrecht-textbox--invalid' : ''}" id="${id}" name="${f.name}" type="${f.type ?? 'text'}" value="${f.value ?? ''}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${f.inputmode ? html` inputmode="${f.inputmode}"` : ''}${f.pattern ? html` pattern="${f.pattern}"` : ''}${f.maxlength ? html` maxlength="${f.maxlength}"` : ''}${d.attrs}></div>
  </div>`;
}

export function textArea(f: FieldBase & { value?: string | null; maxlength?: number }): SafeHtml {
  const id = fieldId(f);
  const d = described(id, f);
  return html`<div class="utrecht-form-field utrecht-form-field--textarea${f.error ? ' utrecht-form-field--invalid' : ''}">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${id}">${f.label}</label></div>
    ${d.parts}
    <div class="utrecht-form-field__input"><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="${id}" name="${f.name}" rows="3"${f.maxlength ? html` maxlength="${f.maxlength}"` : ''}${d.attrs}>${f.value ?? ''}</textarea></div>
  </div>`;
}

export function selectField(f: FieldBase & { options: { value: string; label: string }[]; value?: string | null; placeholder?: string }): SafeHtml {
  const id = fieldId(f);
  const d = described(id, f);
  return html`<div class="utrecht-form-field utrecht-form-field--select${f.error ? ' utrecht-form-field--invalid' : ''}">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${id}">${f.label}</label></div>
    ${d.parts}
    <div class="utrecht-form-field__input"><select class="utrecht-select utrecht-select--html-select" id="${id}" name="${f.name}"${d.attrs}>
      ${f.placeholder !== undefined ? html`<option value="">${f.placeholder}</option>` : ''}
      ${f.options.map((o) => html`<option value="${o.value}"${o.value === f.value ? html` selected` : ''}>${o.label}</option>`)}
    </select></div>
  </div>`;
}

export function checkbox(f: { name: string; value: string; label: string; checked?: boolean; id: string }): SafeHtml {
  return html`<div class="utrecht-form-field utrecht-form-field--checkbox">
    <div class="utrecht-form-field__input"><input type="checkbox" class="utrecht-checkbox utrecht-checkbox--html-input" id="${f.id}" name="${f.name}" value="${f.value}"${f.checked ? html` checked` : ''}></div>
    <div class="utrecht-form-field__label utrecht-form-field__label--checkbox"><label class="utrecht-form-label utrecht-form-label--checkbox" for="${f.id}">${f.label}</label></div>
  </div>`;
}

export function fieldset(legend: string, content: HtmlValue, o: { error?: string; description?: string; id?: string } = {}): SafeHtml {
  const id = o.id ?? 'groep';
  return html`<div class="utrecht-form-fieldset${o.error ? ' utrecht-form-fieldset--invalid' : ''}"><fieldset class="utrecht-form-fieldset__fieldset utrecht-form-fieldset--html-fieldset" id="${id}"${o.error ? html` aria-describedby="${id}-fout"` : ''}>
    <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">${legend}</legend>
    ${o.description ? html`<p class="utrecht-paragraph vir-description">${o.description}</p>` : ''}
    ${o.error ? html`<p class="utrecht-form-field-error-message" id="${id}-fout">${o.error}</p>` : ''}
    ${content}
  </fieldset></div>`;
}

export function button(label: string, kind: 'primary' | 'secondary' | 'subtle' = 'primary', extra: { name?: string; value?: string } = {}): SafeHtml {
  return html`<button type="submit" class="utrecht-button utrecht-button--${kind}-action"${extra.name ? html` name="${extra.name}" value="${extra.value ?? ''}"` : ''}>${label}</button>`;
}

export function form(action: string, csrf: string | null | undefined, content: HtmlValue, o: { label?: string; className?: string } = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="utrecht-form vir-form${o.className ? ` ${o.className}` : ''}"${o.label ? html` aria-label="${o.label}"` : ''} novalidate>${csrfField(csrf)}${content}</form>`;
}

export function errorSummary(errors: FieldErrors, labels: Record<string, string>): SafeHtml {
  const keys = Object.keys(errors);
  if (keys.length === 0) return html``;
  return html`<div class="utrecht-alert utrecht-alert--error vir-flash" role="alert"><div class="utrecht-alert__content">
    <h2 class="utrecht-heading-2">Controleer de invoer</h2>
    <ul class="utrecht-unordered-list">${keys.map((k) => html`<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="#${k}">${labels[k] ?? k}</a>: ${errors[k]}</li>`)}</ul>
  </div></div>`;
}

export function table(caption: string, headers: string[], rows: HtmlValue[][], empty = 'Er is nog niets.'): SafeHtml {
  if (rows.length === 0) return html`<p class="utrecht-paragraph vir-empty">${empty}</p>`;
  return html`<div class="utrecht-table-container vir-table"><table class="utrecht-table utrecht-table--html-table">
    <caption class="utrecht-table__caption">${caption}</caption>
    <thead class="utrecht-table__header"><tr class="utrecht-table__row">${headers.map((h) => html`<th class="utrecht-table__header-cell" scope="col">${h}</th>`)}</tr></thead>
    <tbody class="utrecht-table__body">${rows.map((r) => html`<tr class="utrecht-table__row">${r.map((c) => html`<td class="utrecht-table__cell">${c}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

export function dataList(items: [string, HtmlValue][]): SafeHtml {
  return html`<dl class="utrecht-data-list utrecht-data-list--rows">${items.map(
    ([k, v]) => html`<div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">${k}</dt><dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">${v}</dd></div>`,
  )}</dl>`;
}

export function badge(text: string, kind: 'success' | 'warning' | 'danger' | 'neutral' | 'active' | 'inactive'): SafeHtml {
  return html`<span class="utrecht-status-badge utrecht-status-badge--${kind}">${text}</span>`;
}

export function link(href: string, text: HtmlValue): SafeHtml {
  return html`<a class="utrecht-link" href="${href}">${text}</a>`;
}

export function heading2(text: string, id?: string): SafeHtml {
  return html`<h2 class="utrecht-heading-2"${id ? html` id="${id}"` : ''}>${text}</h2>`;
}

export function paragraph(content: HtmlValue): SafeHtml {
  return html`<p class="utrecht-paragraph">${content}</p>`;
}

/** Parses a submitted form with a zod schema: typed values, or one Dutch message per field. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? 'formulier');
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}
