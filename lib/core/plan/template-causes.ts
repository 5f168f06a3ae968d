/**
 * The real cause of a roll: when a group's template reference changes (the library renames a
 * template whenever its content changes), the fields that differ between the old and the new
 * template, e.g. `spec.template.spec.flavor: "m1.medium" -> "m1.huge"` of the OpenStackMachineTemplate.
 */
import { Manifest } from '../output/manifest';
import { diffFields, formatPath, getPath, isPlainObject } from './diff';
import { toHub } from './convert';
import { objectId } from './manifests';
import { FieldChange, RollCause } from './types';

const REF_PATHS: readonly (readonly string[])[] = [
  ['spec', 'machineTemplate', 'spec', 'infrastructureRef'],
  ['spec', 'template', 'spec', 'infrastructureRef'],
  ['spec', 'template', 'spec', 'bootstrap', 'configRef'],
];

function find(objects: ReadonlyMap<string, Manifest>, kind: unknown, name: unknown): Manifest | undefined {
  for (const m of objects.values()) if (m.kind === kind && m.metadata.name === name) return m;
  return undefined;
}

/**
 * Replaces the change of a template reference's name by the changed fields of the template
 * (`spec.template.spec`), when both templates are in the manifest sets, are of one kind, and
 * differ; other causes are kept. `previous` and `next` are the group in v1beta2.
 */
export function templateCauses(causes: readonly FieldChange[], previous: Manifest, next: Manifest,
  before: ReadonlyMap<string, Manifest>, after: ReadonlyMap<string, Manifest>): RollCause[] {
  const out: RollCause[] = [];
  for (const c of causes) {
    const ref = REF_PATHS.find((p) => c.path === formatPath([...p, 'name']));
    const kind = ref ? getPath(next, [...ref, 'kind']) : undefined;
    const oldT = ref && kind === getPath(previous, [...ref, 'kind']) ? find(before, kind, c.old) : undefined;
    const newT = oldT ? find(after, kind, c.new) : undefined;
    const spec = (m: Manifest) => getPath(toHub(m), ['spec', 'template', 'spec']);
    const fields = oldT && newT && isPlainObject(spec(oldT)) ? diffFields(spec(oldT), spec(newT), ['spec', 'template', 'spec']) : [];
    if (fields.length === 0) {
      out.push(c);
      continue;
    }
    const template = objectId(newT!);
    out.push(...fields.map((f) => ({ ...f, template, ref: c.path })));
  }
  return out;
}
