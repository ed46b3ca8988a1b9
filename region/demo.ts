import type { RegionServices } from './create-region.js';
import type { CovenantSetup } from './services/covenant-schemas.js';

/**
 * Demo data for a newcomer: a covenant area with two municipalities, three institutions and a
 * few professionals. Fictional people; e-mail addresses on example.org.
 */
export const DEMO_SETUP: CovenantSetup = {
  municipalities: [
    { code: '0344', name: 'Utrecht', checker: { name: 'Anouk de Wit', email: 'toezicht@utrecht.example.org', phone: '030-1234567' } },
    { code: '0356', name: 'Nieuwegein', checker: { name: 'Bram Visser', email: 'toezicht@nieuwegein.example.org', phone: '030-7654321' } },
  ],
  institutions: [
    {
      name: 'Buurtteam Jeugd en Gezin Utrecht',
      category: 'toegangsteam',
      coordinator: { name: 'Carla Jansen', email: 'coordinator@buurtteam.example.org', phone: '030-1112223' },
      professionals: [
        { name: 'Daan Bakker', function: 'Jeugdconsulent', email: 'd.bakker@buurtteam.example.org', phone: '06-12345001' },
        { name: 'Eva Smit', function: 'Gezinscoach', email: 'e.smit@buurtteam.example.org', phone: '06-12345002' },
      ],
    },
    {
      name: 'GGD regio Utrecht, Jeugdgezondheidszorg',
      category: 'jeugdgezondheidszorg',
      professionals: [{ name: 'Fatima El Amrani', function: 'Jeugdverpleegkundige', email: 'f.elamrani@ggd.example.org', phone: '06-12345003' }],
    },
    {
      name: 'Leerplicht en RMC Utrecht',
      category: 'leerplicht',
      professionals: [{ name: 'Gert de Vries', function: 'Leerplichtambtenaar', email: 'g.devries@leerplicht.example.org', phone: '06-12345004' }],
    },
  ],
};

export interface DemoAccess {
  adminToken: string | null;
  institutions: { id: string; name: string; apiKey: string; professionals: { id: string; name: string }[] }[];
}

/** Seeds the demo area once, and hands out fresh demo API keys (and an admin token) at every start. */
export function prepareDemo(s: RegionServices): DemoAccess {
  const system = { kind: 'system' } as const;
  const { db } = s.ctx;
  if (s.covenant.listMunicipalities().length === 0) s.covenant.importSetup(system, DEMO_SETUP);
  return db.transaction(() => {
    db.prepare("UPDATE api_keys SET revoked_at = ? WHERE label = 'demo' AND revoked_at IS NULL").run(s.ctx.now().toISOString());
    db.prepare("UPDATE admin_tokens SET revoked_at = ? WHERE label = 'demo' AND revoked_at IS NULL").run(s.ctx.now().toISOString());
    const institutions = (s.covenant.listInstitutions() as { id: string; name: string }[]).map((i) => ({
      id: i.id,
      name: i.name,
      apiKey: s.covenant.createApiKey(system, i.id, 'demo').key,
      professionals: s.covenant.listProfessionals(i.id).map((p) => ({ id: p.id, name: p.name })),
    }));
    const adminToken = s.ctx.config.adminToken ? null : s.covenant.createAdminToken(system, 'demo').token;
    return { adminToken, institutions };
  })();
}

export function demoBanner(access: DemoAccess, baseUrl: string): string {
  const lines = [
    '',
    '=== Verwijsindex regio: DEMO (fictional data; never use demo mode for real signals) ===',
    `API: ${baseUrl}/api/v1   OpenAPI: ${baseUrl}/api/v1/openapi.json`,
    access.adminToken ? `Admin token (this run only): ${access.adminToken}` : 'Admin token: the one you configured (REGION_ADMIN_TOKEN)',
    '',
  ];
  for (const inst of access.institutions) {
    lines.push(`${inst.name}`, `  API key (this run only): ${inst.apiKey}`);
    for (const p of inst.professionals) lines.push(`  X-Professional-Id ${p.id}  (${p.name})`);
  }
  const [a, b] = access.institutions;
  lines.push(
    '',
    'Municipalities: 0344 Utrecht, 0356 Nieuwegein. Paste these lines into another shell, then try the curl commands in README.md:',
    `export VIR=${baseUrl}/api/v1`,
    `export KEY_A=${a.apiKey} PRO_A=${a.professionals[0].id}`,
    `export KEY_B=${b.apiKey} PRO_B=${b.professionals[0].id}`,
    ...(access.adminToken ? [`export ADMIN=${access.adminToken}`] : []),
    '',
  );
  return lines.join('\n');
}
