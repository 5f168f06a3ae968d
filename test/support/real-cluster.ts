/**
 * Helpers for the real-cluster suites (test/cluster, `npm run test:cluster`).
 *
 * The global setup (test/cluster/global-setup.ts) starts, or finds running, a real management cluster
 * (etcd, kube-apiserver, kube-controller-manager, the Cluster API, CAPV and CAPO managers with their
 * webhooks and conversion webhooks) and a real workload cluster (etcd, kube-apiserver,
 * kube-controller-manager), and sets:
 * - KUBECONFIG: the management cluster's admin kubeconfig (system:masters);
 * - WORKLOAD_KUBECONFIG: the workload cluster's admin kubeconfig;
 * - CAPI_COMPONENTS_BIN: the directory of the built binaries (`<module>/<binary>`, see mgmt/build.sh);
 * - CAPI_MGMT_LOGS: the directory of the components' logs (`<component>.log`).
 *
 * On the management cluster, Cluster `default/workload` (paused) and its Secret
 * `default/workload-kubeconfig` (key `value`) lead to the workload cluster, as Cluster API's would.
 *
 * The clusters are shared by every suite of a run: each suite works in namespaces of its own
 * (`freshNamespace`) and removes them when done.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubectlPath } from './kubectl';

export type Which = 'management' | 'workload';

/** The kubeconfig path of a cluster; throws with the way to get one when the suite runs outside `npm run test:cluster`. */
export function kubeconfigPath(which: Which = 'management'): string {
  const v = which === 'management' ? process.env.KUBECONFIG : process.env.WORKLOAD_KUBECONFIG;
  if (!v || !fs.existsSync(v)) {
    throw new Error(`${which === 'management' ? 'KUBECONFIG' : 'WORKLOAD_KUBECONFIG'} is not set to a file: run the real-cluster suites with \`npm run test:cluster\``);
  }
  return v;
}

/** A @kubernetes/client-node KubeConfig for a cluster (admin identity). */
export function kubeConfig(which: Which = 'management'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath(which));
  return kc;
}

/** The text of a cluster's kubeconfig (for a `<cluster>-kubeconfig` Secret's `value`). */
export function kubeconfigText(which: Which = 'workload'): string {
  return fs.readFileSync(kubeconfigPath(which), 'utf8');
}

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl against a cluster; never throws on a non-zero exit (the result says). */
export function kubectl(args: readonly string[], opts: { which?: Which; input?: string } = {}): KubectlResult {
  const r = spawnSync(kubectlPath(), ['--kubeconfig', kubeconfigPath(opts.which), ...args], {
    encoding: 'utf8', input: opts.input, maxBuffer: 1 << 28,
  });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** Like `kubectl`, but throws with kubectl's message on failure; returns stdout. */
export function kubectlOk(args: readonly string[], opts: { which?: Which; input?: string } = {}): string {
  const r = kubectl(args, opts);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Objects as one multi-document text for kubectl: each document is JSON (which is YAML), so no string
 * such as `y`, `n` or `on` can be read as a boolean by kubectl's YAML 1.1 reader.
 */
export function toYaml(objects: readonly unknown[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

/**
 * `kubectl apply --server-side` of objects (or a YAML text), optionally `--dry-run=server`. Returns
 * kubectl's result: status 0 when the API server (schemas, CEL rules, webhooks) accepted every object.
 */
export function apply(objects: readonly unknown[] | string, opts: { which?: Which; dryRun?: boolean; namespace?: string; fieldManager?: string } = {}): KubectlResult {
  const input = typeof objects === 'string' ? objects : toYaml(objects);
  return kubectl([
    'apply', '--server-side', '--force-conflicts', `--field-manager=${opts.fieldManager ?? 'capi-constructs-tests'}`,
    ...(opts.dryRun ? ['--dry-run=server'] : []), ...(opts.namespace ? ['-n', opts.namespace] : []), '-f', '-',
  ], { which: opts.which, input });
}

/** `kubectl create --dry-run=server` of one object: what the API server answers to a create. */
export function dryRunCreate(object: unknown, opts: { which?: Which } = {}): KubectlResult {
  return kubectl(['create', '--dry-run=server', '-f', '-'], { which: opts.which, input: JSON.stringify(object) });
}

/** An object as the API server stores it, read at an API version (`kubectl get <resource>.<version>.<group>`). */
export function getAs(resource: string, version: string, group: string, name: string, namespace: string, which: Which = 'management'): Record<string, any> {
  return JSON.parse(kubectlOk(['get', `${resource}.${version}.${group}`, name, '-n', namespace, '-o', 'json'], { which }));
}

let counter = 0;

/** Creates a namespace of a unique name (`<prefix>-<pid>-<n>`) and returns its name. */
export function freshNamespace(prefix: string, which: Which = 'management'): string {
  const name = `${prefix}-${process.pid}-${++counter}`.toLowerCase().slice(0, 63).replace(/-+$/, '');
  kubectlOk(['create', 'namespace', name], { which });
  return name;
}

/** Deletes namespaces without waiting for their finalization (the namespace controller empties them). */
export function deleteNamespaces(names: readonly string[], which: Which = 'management'): void {
  if (names.length) kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...names], { which });
}

/** The path of a component's log (`management-kube-apiserver`, `capi-core`, `capv`, `capo`, ...). */
export function componentLog(component: string): string {
  const dir = process.env.CAPI_MGMT_LOGS;
  if (!dir) throw new Error('CAPI_MGMT_LOGS is not set: run the real-cluster suites with `npm run test:cluster`');
  return path.join(dir, `${component}.log`);
}

/** The Cluster API managers whose logs `componentLog` reads. */
export const MANAGERS = ['capi-core', 'capi-bootstrap', 'capi-controlplane', 'capv', 'capo'] as const;
