import { readFileSync } from 'node:fs';
import { AppError } from '../errors.js';
import { jsonSyntaxError } from '../brp/json-lines.js';
import { parseInput } from '../http/errors.js';
import { covenantSetup, type CovenantSetup } from '../services/covenant-schemas.js';
import { CliError } from './run.js';

/**
 * A covenant setup file: the municipalities of the covenant area with their checkers, and the
 * institutions with their professionals (see config/covenant.example.json). Read and validated
 * before the database is opened, so that a bad file never touches it.
 */
export function readCovenantFile(file: string): CovenantSetup {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  const body = text.replace(/^\uFEFF/, '');
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new CliError(`${file} ${jsonSyntaxError(body, err as Error)}; nothing was imported`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new CliError(`${file} must hold one JSON object with "municipalities" and/or "institutions"; nothing was imported`);
  }
  try {
    return parseInput(covenantSetup, json, 'file');
  } catch (err) {
    if (err instanceof AppError) throw new CliError(`${file} is not a valid covenant setup; nothing was imported: ${err.message}`);
    throw err;
  }
}

export interface ImportResult {
  municipalities: number;
  institutions: { id: string; name: string; professionals: { id: string; name: string }[] }[];
}

/** The summary an operator keeps: which ids the new institutions and professionals got. */
export function importSummary(file: string, setup: CovenantSetup, result: ImportResult): string[] {
  const professionals = result.institutions.reduce((n, i) => n + i.professionals.length, 0);
  const lines = [
    `imported ${file}: ${result.municipalities} municipalities, ${result.institutions.length} institutions, ${professionals} professionals`,
  ];
  for (const m of setup.municipalities) lines.push(`municipality ${m.code}  ${m.name}`);
  result.institutions.forEach((inst, i) => {
    lines.push(`institution ${inst.id}  ${inst.name} (${setup.institutions[i].category})`);
    for (const p of inst.professionals) lines.push(`  professional ${p.id}  ${p.name}`);
  });
  lines.push('Next: create an API key per institution for its case system (POST /api/v1/admin/institutions/<id>/api-keys).');
  return lines;
}
