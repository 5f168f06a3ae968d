/**
 * Which object an emitted manifest is, as Kubernetes sees it, and the rule that each object is defined
 * once: the API group (not its version), the kind, the namespace and the name. Two definitions of one
 * object would be written out twice and the second apply would silently replace the first, so every
 * adapter refuses the second definition, naming both:
 * - cdk8s: across all charts of one App (the files of one app are applied together);
 * - Pulumi: across all components of one program that use the same Kubernetes provider;
 * - the fleet: across the parts of one cluster (render.ts), with the same keys.
 */
import { Issue, ValidationError } from '../rules/errors';

/** What identifies an object: its manifest, or just these fields of it (all that the rules here read). */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/**
 * The identity of an object: API group, kind, namespace and name (`\0`-separated). Made by `join`, as
 * one flat string: a registry keeps one key per object of an App, and the same text built by
 * concatenation is a tree of string pieces, about 100 bytes more per key (5 MB per 1,000 clusters).
 */
export function objectKey(m: ObjectIdentity): string {
  const slash = m.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : m.apiVersion.slice(0, slash);
  return [group, m.kind, m.metadata.namespace ?? '', m.metadata.name].join('\0');
}

/** `KubeadmControlPlane default/dev-control-plane` (`<Kind> <name>` for cluster-scoped objects). */
export function describeObject(m: ObjectIdentity): string {
  return `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
}

/** The message of a second definition of one object. */
export function duplicateMessage(definition: string, first: string, scope: string): string {
  return `is defined by ${definition} and already by ${first}: each object may be defined once ${scope} `
    + '(both would be applied, and the second would silently replace the first)';
}

/**
 * The objects defined so far in one scope (a cdk8s App, a Pulumi program), by {@link objectKey}, with
 * the definition that owns each one.
 */
export class ObjectRegistry {
  private readonly owners = new Map<string, string>();

  /** `scope`: where the rule holds, for the message, e.g. `in a cdk8s App`. */
  constructor(private readonly scope: string) {}

  /**
   * Throws a ValidationError (subject `subject`, one issue per object) if any of `manifests` is already
   * defined here, or listed twice; otherwise changes nothing. `definition` names the one being added,
   * e.g. `ControlPlaneGroup at "app/dev/cp"`.
   */
  check(subject: string, definition: string, manifests: readonly ObjectIdentity[]): void {
    const issues: Issue[] = [];
    const own = new Set<string>();
    for (const m of manifests) {
      const key = objectKey(m);
      const first = this.owners.get(key) ?? (own.has(key) ? definition : undefined);
      if (first !== undefined) issues.push({ path: describeObject(m), message: duplicateMessage(definition, first, this.scope) });
      own.add(key);
    }
    if (issues.length > 0) throw new ValidationError(subject, issues);
  }

  /** A registry with the same entries, to try several additions before making them. */
  copy(): ObjectRegistry {
    const c = new ObjectRegistry(this.scope);
    for (const [k, v] of this.owners) c.owners.set(k, v);
    return c;
  }

  /** Records `manifests` as defined by `definition` (after {@link check}, once the definition is in place). */
  add(definition: string, manifests: readonly ObjectIdentity[]): void {
    for (const m of manifests) this.owners.set(objectKey(m), definition);
  }
}
