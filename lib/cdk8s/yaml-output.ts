/**
 * The YAML cdk8s writes, made safe for Kubernetes' reader. `App.synth()` (and so `cdk8s synth`,
 * `Yaml.save`, `App.synthYaml()`) writes every file through cdk8s's static `Yaml.stringify`, which has
 * no option for how strings are quoted. Importing the cdk8s adapter of capi-constructs points
 * `Yaml.stringify` at the library's writer ({@link stringifyCdk8sJson}): byte for byte what cdk8s
 * writes for every string Kubernetes reads back correctly, and double-quoted with escapes for the
 * strings it would misread (lib/core/output/yaml.ts). So a plain `App`, a `FleetApp` and `writeFleet` write
 * the same bytes for the same objects. Installed once per process; idempotent.
 */
import { Yaml } from 'cdk8s';
import { stringifyCdk8sJson } from '../core/output/yaml';

const INSTALLED = Symbol.for('capi-constructs.kubernetes-safe-yaml');

/** Points cdk8s's `Yaml.stringify` at the library's Kubernetes-safe writer (done when the adapter is imported). */
export function installKubernetesSafeYaml(): void {
  const y = Yaml as unknown as Record<symbol, unknown>;
  if (y[INSTALLED]) return;
  y[INSTALLED] = Yaml.stringify;
  Object.defineProperty(Yaml, 'stringify', {
    value: function stringify(...docs: unknown[]): string {
      return stringifyCdk8sJson(docs);
    },
    writable: true,
    configurable: true,
  });
}

installKubernetesSafeYaml();
