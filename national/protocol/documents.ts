import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The published XSD and WSDL (the WSDL carries the XSD inline, so a client needs only the WSDL). */
const here = dirname(fileURLToPath(import.meta.url));
export const XSD_FILE = join(here, 'vir-sync.xsd');
export const XSD = readFileSync(XSD_FILE, 'utf8');
const schemaElement = XSD.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
export const WSDL_TEMPLATE = readFileSync(join(here, 'vir-sync.wsdl'), 'utf8').replace(
  /<wsdl:types>[\s\S]*?<\/wsdl:types>/,
  `<wsdl:types>${schemaElement}</wsdl:types>`,
);
