/** One package a dependency update asks for, at the version asked (a prefix: "19", "1.7"). */
export interface PackageUpdate {
  name: string;
  version: string;
}

const VERB = String.raw`(?:update|upgrade|bump|move|mets\s+a\s+jour|mettre\s+a\s+jour|actualiza|actualizar|sube|aktualisiere|aktualisieren|hebe|upgrade)`;
const NAME = String.raw`(@?[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?)`;
const VERSION = String.raw`v?(\d+(?:\.\d+){0,2}(?:-[0-9a-z.]+)?)`;
const TO = String.raw`(?:to|en|a|auf|vers|->|→|@)`;

const UPDATE = new RegExp(
  String.raw`^(?:please\s+|can you\s+|could you\s+|bitte\s+|por favor\s+)?${VERB}\s+(?:the\s+|le\s+|la\s+|el\s+|die\s+|der\s+)?(?:package\s+|dependency\s+|paquet\s+|paquete\s+|paket\s+)?${NAME}(?:\s+(?:and|et|y|und)\s+${NAME})?\s*${TO}\s*(?:version\s+)?${VERSION}(?=$|[\s,.!?;])`,
  'i',
);

/**
 * The packages of "update React to 19", "bump axios to 1.7", "mets à jour axios en 1.7",
 * "actualiza react a 19", "Aktualisiere axios auf 1.7" — or undefined. What follows the
 * version ("and run the tests") is what the update does anyway.
 */
export function parseUpdateRequest(request: string): PackageUpdate[] | undefined {
  const flat = request.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').trim();
  const match = UPDATE.exec(flat);
  if (!match) return undefined;
  const version = match[3] ?? '';
  const names = [match[1], match[2]].filter((name): name is string => Boolean(name)).map((name) => name.toLowerCase());
  return names.map((name) => ({ name, version }));
}
