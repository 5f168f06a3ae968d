/**
 * cdk8s's own `Yaml.stringify`, as cdk8s 2.70 implements it (its bundled `yaml` with
 * `{ keepUndefined: true, lineWidth: 0, version: '1.1' }`), for byte comparisons: the library points
 * `Yaml.stringify` itself at its Kubernetes-safe writer (lib/cdk8s/yaml-output.ts).
 */
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdk8sBundledYaml: typeof import('yaml') = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));

export function cdk8sYamlStringify(...docs: unknown[]): string {
  return docs.map((r) => (r === undefined ? '\n' : cdk8sBundledYaml.stringify(r, { keepUndefined: true, lineWidth: 0, version: '1.1' }))).join('---\n');
}

import { goYamlReadsPlainAsNonString, needsKubernetesEscapes } from '../../lib/core/output/yaml';

/** True when the library deliberately writes `s` differently from cdk8s: cdk8s's form would be misread by Kubernetes. */
export function writtenSaferThanCdk8s(s: string): boolean {
  if (needsKubernetesEscapes(s)) return true;
  return goYamlReadsPlainAsNonString(s) && cdk8sBundledYaml.stringify({ a: s }, { version: '1.1' }) === `a: ${s}\n`;
}

/** True when any key or string value of `v`, at any depth, is {@link writtenSaferThanCdk8s}. */
export function hasSaferStrings(v: unknown): boolean {
  if (typeof v === 'string') return writtenSaferThanCdk8s(v);
  if (Array.isArray(v)) return v.some(hasSaferStrings);
  if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, x]) => writtenSaferThanCdk8s(k) || hasSaferStrings(x));
  return false;
}
