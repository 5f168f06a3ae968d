/** Conformance check of synthesized objects: schema for kinds with a CRD, ObjectMeta for the rest. */
import { hasSchema, validateManifest, validateObjectMeta } from '../support/crd-schemas';
import { NO_SCHEMA_KINDS } from './no-schema-kinds';

/**
 * Failures of a list of objects, each prefixed with `<where> <Kind>/<name>`. Empty = every object
 * would be accepted as emitted (no field pruned, no rule broken).
 */
export function conformanceFailures(objects: readonly any[], where: string): string[] {
  const out: string[] = [];
  for (const o of objects) {
    const id = `${where} ${o?.kind}/${o?.metadata?.name} (${o?.apiVersion})`;
    let failures: string[];
    if (NO_SCHEMA_KINDS[o?.kind] !== undefined && !hasSchema(o.apiVersion, o.kind)) {
      failures = validateObjectMeta(o?.metadata);
    } else if (!hasSchema(o?.apiVersion, o?.kind)) {
      failures = [`no CRD under shared/crds serves this kind and it is not listed in test/conformance/no-schema-kinds.ts: ${validateManifest(o).join('; ')}`];
    } else {
      failures = validateManifest(o);
    }
    out.push(...failures.map((f) => `${id}: ${f}`));
  }
  return out;
}
