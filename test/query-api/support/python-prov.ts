import { execFileSync } from 'node:child_process';

/** Debian's python3-prov, not the pyenv shim on PATH, which has no `prov` module. */
const python = '/usr/bin/python3';

const script = `
import json, sys
from prov.model import ProvDocument
document = ProvDocument.deserialize(content=sys.stdin.read(), format="json")
records = list(document.get_records())
print(json.dumps({"records": len(records), "types": sorted({r.get_type().localpart for r in records})}))
`;

/** Parses a PROV-JSON document with python3-prov; throws with Python's error when it is rejected. */
export function parseWithPythonProv(document: unknown): { records: number; types: string[] } {
  const output = execFileSync(python, ['-c', script], { input: JSON.stringify(document), encoding: 'utf8' });
  return JSON.parse(output) as { records: number; types: string[] };
}
