/** Placeholder until the full OpenAPI 3.1 document lands (see test/region/openapi.test.ts). */
export const openApiDocument = { openapi: '3.1.0', info: { title: 'Verwijsindex regio API', version: '1' }, paths: {} };
