/**
 * Add-on parameters: the typed props per add-on, their validation against the catalog, and the
 * mapping to each chart's real values keys.
 */
import { Problems, show } from '../rules/errors';
import { checkBoolean, checkEnum, checkInt, checkObject, isDns1123Subdomain } from '../rules/validation';
import { memoize } from '../rules/memo';
import { AddonName, CatalogParameter, catalogEntry } from './catalog';
import { checkJupyterHubAuthentication, checkJupyterHubHttps, JUPYTERHUB_NODE_PORTS, JupyterHubAuthentication, JupyterHubHttps, jupyterHubAccess } from './jupyterhub-access';
import { AddonExposure } from './network';
import { checkRayAccess, checkRayExposure, NO_RAY_ACCESS, RayAccess, rayTokenAuthPostRenderer, ResolvedRayAccess } from './ray-access';
import type { ServiceType } from './service-type';
import { checkBytes, checkCpu, compareQuantities, cpuCores, jupyterHubBytes, memoryBytes, ParsedQuantity, Quantity } from './quantity';

export type { ServiceType } from './service-type';

/** JupyterHub (z2jh 4.4.0) parameters. Every field is optional. */
export interface JupyterHubParameters {
  /**
   * CPU limit of each user server (Kubernetes quantity). Sent to the chart as a number of cores.
   * @default '1'
   */
  readonly cpu?: Quantity;
  /**
   * CPU request of each user server; at most `cpu`.
   * @default the value of `cpu`
   */
  readonly cpuGuarantee?: Quantity;
  /**
   * Memory limit of each user server (Kubernetes quantity, e.g. `4Gi`).
   * @default '1Gi'
   */
  readonly memory?: Quantity;
  /**
   * Memory request of each user server; at most `memory`.
   * @default the value of `memory`
   */
  readonly memoryGuarantee?: Quantity;
  /**
   * Size of each user's home volume.
   * @default '10Gi'
   */
  readonly storage?: Quantity;
  /**
   * StorageClass of the user home volumes.
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: string;
  /**
   * Who may log in. Without it nobody can (JupyterHub's NullAuthenticator) and the hub cannot be exposed.
   * `{ type: 'dummy' }` (any name, any password) is emitted only when asked for, with a warning, and never
   * for an exposed hub.
   * @default none
   */
  readonly authentication?: JupyterHubAuthentication;
  /**
   * HTTPS with a TLS Secret or Let's Encrypt; required for an exposed hub.
   * @default none
   */
  readonly https?: JupyterHubHttps;
  /**
   * Type of the `proxy-public` Service. LoadBalancer and NodePort (node ports 30080, 30443) need
   * `authentication` (not `dummy`) and `https`.
   * @default 'LoadBalancer' when authentication (not dummy) and https are set, else 'ClusterIP'
   */
  readonly serviceType?: ServiceType;
}

/** Resources of a Ray pod. */
export interface RayPodResources {
  /** CPU request and limit. @default '1' */
  readonly cpu?: Quantity;
  /** Memory request and limit. @default head '5Gi', worker '1Gi' */
  readonly memory?: Quantity;
}

/** The Ray worker group. */
export interface RayWorkerParameters extends RayPodResources {
  /** Initial worker pods. @default 1 */
  readonly replicas?: number;
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default 5 */
  readonly maxReplicas?: number;
}

/** KubeRay (kuberay-operator + ray-cluster 1.7.0) parameters. Every field is optional. */
export interface KubeRayParameters {
  /** Head pod resources. @default { cpu: '1', memory: '5Gi' } */
  readonly head?: RayPodResources;
  /** Worker group. @default { cpu: '1', memory: '1Gi', replicas: 1, minReplicas: 1, maxReplicas: 5 } */
  readonly worker?: RayWorkerParameters;
  /**
   * Run the Ray autoscaler to scale workers between `minReplicas` and `maxReplicas`.
   * @default false
   */
  readonly autoscaling?: boolean;
  /**
   * Type of the head Service (dashboard 8265, client 10001, serve 8000). NodePort fixes the node ports
   * 30001 (client), 30800 (serve), 30265 (dashboard). An exposed head needs `access.cidrs`.
   * @default 'ClusterIP'
   */
  readonly serviceType?: ServiceType;
  /**
   * Who may reach the head's client and serve ports (and, with `exposeDashboard`, the dashboard) besides
   * the add-on namespace.
   * @default the add-on namespace only
   */
  readonly access?: RayAccess;
}

/** Parameters by add-on. */
export interface AddonParameters {
  readonly jupyterhub: JupyterHubParameters;
  readonly kuberay: KubeRayParameters;
}

/** A validated parameter value: a parsed quantity, number, boolean or string. */
type ParameterValue = ParsedQuantity | number | boolean | string | JupyterHubAuthentication | JupyterHubHttps | ResolvedRayAccess | undefined;
/** Validated parameter values by name, defaults applied. */
type Resolved = Map<string, ParameterValue>;

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of pathParts(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** `path.split('.')` of the catalog's parameter names, split once. */
const pathParts = memoize((path): readonly string[] => path.split('.'));

function checkParameter(p: Problems, path: string, spec: CatalogParameter, value: unknown): ParameterValue {
  switch (spec.kind) {
    case 'cpu': return checkCpu(p, path, value);
    case 'memory': return checkBytes(p, path, value, 'memory');
    case 'storage': return checkBytes(p, path, value, 'storage');
    case 'integer': return checkInt(p, path, value, spec.min ?? 0);
    case 'enum': return checkEnum(p, path, value, spec.allowed ?? []);
    case 'boolean': return checkBoolean(p, path, value);
    case 'jupyterhubAuthentication': return checkJupyterHubAuthentication(p, path, value);
    case 'jupyterhubHttps': return checkJupyterHubHttps(p, path, value);
    case 'rayAccess': return checkRayAccess(p, path, value);
    case 'storageClass':
      if (typeof value !== 'string' || !isDns1123Subdomain(value)) {
        p.error(path, `${show(value)} is not a StorageClass name: a DNS subdomain of lower-case letters, digits, '-' and '.'`);
        return undefined;
      }
      return value;
  }
}

/** Reports keys that the catalog does not know, recursing into parameter groups. */
function checkUnknown(p: Problems, addon: AddonName, prefix: string, value: Record<string, unknown>, names: readonly string[]): void {
  for (const key of Object.keys(value)) {
    const full = prefix ? `${prefix}.${key}` : key;
    const isLeaf = names.includes(full);
    const isGroup = names.some((n) => n.startsWith(`${full}.`));
    if (isLeaf) continue;
    if (!isGroup) {
      const known = names.filter((n) => (prefix ? n.startsWith(`${prefix}.`) : true)).map((n) => (prefix ? n.slice(prefix.length + 1) : n).split('.')[0]);
      p.error(`parameters.${full}`, `${show(key)} is not a parameter of add-on "${addon}": known parameters are ${[...new Set(known)].map((k) => show(k)).join(', ')}`);
    } else if (checkObject(p, `parameters.${full}`, value[key])) {
      checkUnknown(p, addon, full, value[key] as Record<string, unknown>, names);
    }
  }
}

/** Validates parameters against the catalog; returns every parameter, defaults applied. */
function resolveParameters(p: Problems, addon: AddonName, parameters: unknown): Resolved {
  const specs = catalogEntry(addon).parameters;
  const out: Resolved = new Map();
  if (parameters === undefined) parameters = {};
  if (!checkObject(p, 'parameters', parameters)) return out;
  checkUnknown(p, addon, '', parameters, specs.map((s) => s.name));
  for (const spec of specs) {
    const given = get(parameters, spec.name);
    if (given === undefined) out.set(spec.name, checkedDefault(p, spec));
    else out.set(spec.name, checkParameter(p, `parameters.${spec.name}`, spec, given));
  }
  return out;
}

/**
 * A parameter's catalog default, checked like a given value. The catalog is frozen, so the checked
 * value (a parsed quantity, say) is computed once per parameter; the check of a default cannot fail
 * (the catalog tests render every add-on with its defaults), but if it did, it is repeated and reported.
 */
function checkedDefault(p: Problems, spec: CatalogParameter): ParameterValue {
  if (spec.default === undefined) return undefined;
  if (checkedDefaults.has(spec)) return checkedDefaults.get(spec);
  const reported = p.errors.length + p.warnings.length;
  const value = checkParameter(p, `parameters.${spec.name}`, spec, spec.default);
  if (p.errors.length + p.warnings.length === reported) checkedDefaults.set(spec, value);
  return value;
}
const checkedDefaults = new WeakMap<CatalogParameter, ParameterValue>();

function q(r: Resolved, name: string): ParsedQuantity | undefined {
  return r.get(name) as ParsedQuantity | undefined;
}

/** Chart values per component (catalog `charts[].component`). */
export type ComponentValues = Readonly<Record<string, Record<string, unknown>>>;

/** A chart value set as is, after `compact` (which drops empty lists): e.g. `[]` replacing a chart's default list. */
export interface ExactValue {
  readonly path: readonly string[];
  readonly value: unknown;
}

/** What the parameters resolve to: chart values, and how the add-on is exposed. */
export interface ResolvedAddon {
  readonly values: ComponentValues;
  /** Values per component that must survive `compact` (empty lists); set after it. */
  readonly exactValues?: Readonly<Record<string, readonly ExactValue[]>>;
  /** Flux post-renderers per component: what the chart's values cannot set. */
  readonly postRenderers?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  readonly exposure?: AddonExposure;
}

/**
 * z2jh opens the public ports of the proxy (and autohttps) pods to every source with
 * `allowedIngressPorts: [http, https]`. An empty list (Helm replaces lists) switches that off; network.ts
 * opens the ports only for an exposed hub. (`null` would do for Helm, but cdk8s drops null values.)
 */
const JUPYTERHUB_CLOSED_PROXY: readonly ExactValue[] = Object.freeze([
  Object.freeze({ path: Object.freeze(['proxy', 'chp', 'networkPolicy', 'allowedIngressPorts']), value: Object.freeze([]) }),
  Object.freeze({ path: Object.freeze(['proxy', 'traefik', 'networkPolicy', 'allowedIngressPorts']), value: Object.freeze([]) }),
]);

function jupyterHubValues(p: Problems, r: Resolved): ResolvedAddon {
  const cpu = q(r, 'cpu');
  const cpuGuarantee = q(r, 'cpuGuarantee') ?? cpu;
  const memory = q(r, 'memory');
  const memoryGuarantee = q(r, 'memoryGuarantee') ?? memory;
  if (cpu && cpuGuarantee && compareQuantities(cpuGuarantee, cpu) > 0) {
    p.error('parameters.cpuGuarantee', `${show(cpuGuarantee.text)} exceeds the limit cpu ${show(cpu.text)}: a request may not be larger than its limit`);
  }
  if (memory && memoryGuarantee && compareQuantities(memoryGuarantee, memory) > 0) {
    p.error('parameters.memoryGuarantee', `${show(memoryGuarantee.text)} exceeds the limit memory ${show(memory.text)}: a request may not be larger than its limit`);
  }
  const access = jupyterHubAccess(p, r.get('authentication') as JupyterHubAuthentication | undefined, r.get('https') as JupyterHubHttps | undefined, r.get('serviceType') as ServiceType | undefined);
  if (p.hasErrors) return { values: {} };
  const storage = q(r, 'storage')!;
  const type = access.serviceType;
  const values = {
    jupyterhub: {
      hub: access.hub,
      singleuser: {
        // z2jh's schema types singleuser.cpu.* as number: "500m" would fail the chart's values schema.
        cpu: { limit: cpuCores(cpu!), guarantee: cpuCores(cpuGuarantee!) },
        // KubeSpawner ByteSpecification: K/M/G/T are powers of 1024.
        memory: { limit: jupyterHubBytes(memoryBytes(memory!)), guarantee: jupyterHubBytes(memoryBytes(memoryGuarantee!)) },
        storage: { capacity: storage.text, dynamic: { storageClass: r.get('storageClass') } },
      },
      proxy: {
        service: { type, nodePorts: type === 'NodePort' ? { http: JUPYTERHUB_NODE_PORTS.http, https: access.https ? JUPYTERHUB_NODE_PORTS.https : undefined } : undefined },
        https: access.proxyHttps,
      },
    },
  };
  return { values, exactValues: { jupyterhub: JUPYTERHUB_CLOSED_PROXY }, exposure: { addon: 'jupyterhub', serviceType: type, https: access.https } };
}

function resources(r: Resolved, prefix: string): Record<string, unknown> {
  const cpu = q(r, `${prefix}.cpu`)!.text;
  const memory = q(r, `${prefix}.memory`)!.text;
  // Ray recommends requests == limits for head and workers.
  return { requests: { cpu, memory }, limits: { cpu, memory } };
}

function kubeRayValues(p: Problems, r: Resolved): ResolvedAddon {
  const replicas = r.get('worker.replicas') as number | undefined;
  const min = r.get('worker.minReplicas') as number | undefined;
  const max = r.get('worker.maxReplicas') as number | undefined;
  if (min !== undefined && max !== undefined && min > max) {
    p.error('parameters.worker.minReplicas', `${min} exceeds worker.maxReplicas ${max}: the minimum must not be larger than the maximum`);
  } else if (replicas !== undefined && min !== undefined && max !== undefined && (replicas < min || replicas > max)) {
    p.error('parameters.worker.replicas', `${replicas} is outside worker.minReplicas..worker.maxReplicas (${min}..${max})`);
  }
  const serviceType = (r.get('serviceType') as ServiceType | undefined) ?? 'ClusterIP';
  const access = (r.get('access') as ResolvedRayAccess | undefined) ?? NO_RAY_ACCESS;
  checkRayExposure(p, access, serviceType);
  if (p.hasErrors) return { values: {} };
  // The head Service stays ClusterIP (workers reach GCS through it); an exposed head gets its own
  // Service with only the user-facing ports (network.ts). Token authentication: ray-access.ts.
  return {
    values: {
      operator: {},
      'ray-cluster': {
        head: { resources: resources(r, 'head'), enableInTreeAutoscaling: r.get('autoscaling') || undefined },
        worker: { resources: resources(r, 'worker'), replicas, minReplicas: min, maxReplicas: max },
        service: { type: 'ClusterIP' },
      },
    },
    postRenderers: { 'ray-cluster': [rayTokenAuthPostRenderer(access)] },
    exposure: { addon: 'kuberay', serviceType, access },
  };
}

const VALUES: Record<AddonName, (p: Problems, r: Resolved) => ResolvedAddon> = {
  jupyterhub: jupyterHubValues,
  kuberay: kubeRayValues,
};

/**
 * Validates an add-on's parameters (unknown keys, quantities, ranges, limits vs requests, exposure
 * rules) into `p` and returns the chart values per component and the exposure. Returns `{ values: {} }`
 * when there were errors.
 */
export function resolveAddonParameters(p: Problems, addon: AddonName, parameters: unknown): ResolvedAddon {
  const local = new Problems(p.subject);
  const resolved = resolveParameters(local, addon, parameters);
  const out = local.hasErrors ? { values: {} } : VALUES[addon](local, resolved);
  p.errors.push(...local.errors);
  p.warnings.push(...local.warnings);
  return local.hasErrors ? { values: {} } : out;
}

/** The chart values of {@link resolveAddonParameters} (before its `exactValues` are set into them). */
export function addonChartValues(p: Problems, addon: AddonName, parameters: unknown): ComponentValues {
  return resolveAddonParameters(p, addon, parameters).values;
}
