/**
 * The update cases the differential test (test/cluster/plan-differential.test.ts) gives both to
 * `plan` and to the real management cluster: the plan tests' fleets, the docs/day-2.md walk-through,
 * hand edits of the upstream-agreement tests, and a seeded set of generated update pairs (version
 * bumps including a skipped minor, template fields, kubeadm arguments and files, node failure
 * detection on and off, endpoint and infrastructure edits, OpenStackCluster fields, health-check
 * edits, group removal, API version moves both ways). Every case renders into namespace `ns`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ClusterSpec, HealthCheck, Manifest, OpenStackCluster, OpenStackMachineTemplate, setWarningHandler } from '../../lib';
import { renderClusters } from '../../lib/core/fleet/render';
import { REPO, typescriptBlocks } from '../support/markdown';
import { clusterSpec, docker, edited, manifestsOf, nextFleet, previousFleet } from './fixtures';

export interface UpdateCase {
  readonly name: string;
  readonly previous: Manifest[];
  readonly next: Manifest[];
}

/** Every string value equal to `from` (a namespace) replaced by `to`. */
export function renamespace(objects: readonly Manifest[], from: string, to: string): Manifest[] {
  return JSON.parse(JSON.stringify(objects), (_k, v) => (v === from ? to : v));
}

/** The walk-through program of docs/day-2.md, run in memory: the fleets it writes (before, after, after --fixed). */
export function docsFleets(): Manifest[][] {
  const [block] = typescriptBlocks('docs/day-2.md');
  const written: Manifest[][] = [];
  const js = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const lib = require('../../lib');
  const fake = { ...require('../../lib/core'), ...lib, writeFleet: (_dir: string, specs: ClusterSpec[]) => { written.push(renderClusters(specs).flatMap((c) => c.parts.flatMap((p) => p.manifests))); } };
  const restore = setWarningHandler(() => undefined);
  try {
    for (const argv of [[], ['--after'], ['--after', '--fixed']]) {
      new Function('require', 'process', 'exports', js)((m: string) => (m === 'capi-constructs' || m === 'capi-constructs/core' ? fake : require(m)), { argv: ['node', 'fleet.ts', ...argv] }, {});
    }
  } finally {
    setWarningHandler(restore);
  }
  return written;
}

/** A small seeded PRNG (mulberry32), so the generated set is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERSIONS = ['v1.31.4', 'v1.32.0', 'v1.33.0'];
const nfd = { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' };

interface Knobs {
  apiVersion: 'v1beta1' | 'v1beta2';
  version: number;
  image: string;
  args: boolean;
  files: boolean;
  nfd: boolean;
  hc: boolean;
  hcTimeout: string;
  batch: boolean;
  replicas: number;
  openstack: boolean;
  lbCidrs: boolean;
  endpoint: boolean;
}

function spec(k: Knobs, ns: string): ClusterSpec {
  const v = VERSIONS[k.version];
  const infrastructure = k.openstack
    ? new OpenStackCluster({
      cloudName: 'openstack', secretName: 'c-cloud-config', externalNetwork: 'public', managedSecurityGroups: true,
      apiServerLoadBalancer: k.lbCidrs ? { allowedCIDRs: ['10.0.0.0/8'] } as never : true,
    })
    : undefined;
  const kubeadm = {
    ...(k.args ? { apiServer: { extraArgs: { 'audit-log-maxage': '30' } } } : {}),
    ...(k.files ? { files: [{ path: '/etc/motd', content: 'hello' }] } : {}),
  };
  return clusterSpec({
    cluster: {
      name: 'c', namespace: ns, kubernetesVersion: v, apiVersion: k.apiVersion,
      ...(k.nfd ? { nodeFailureDetection: nfd } : {}),
      ...(infrastructure ? { infrastructure, cloudController: false } : {}),
      ...(k.endpoint ? { controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 } } : {}),
    } as never,
    controlPlane: {
      replicas: 3, machineTemplate: docker(`kindest/node:${v}`), kubeadm,
      ...(k.hc ? { healthCheck: HealthCheck.controlPlane({ nodeStartupTimeout: k.hcTimeout }) } : {}),
    } as never,
    workers: [
      { name: 'md', machineTemplate: docker(k.image), scaling: { replicas: k.replicas } },
      ...(k.batch ? [{ name: 'batch', machineTemplate: docker(k.image), scaling: { replicas: 2 }, healthCheck: HealthCheck.workers() }] : []),
    ] as never,
  });
}

function knobs(r: () => number): Knobs {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  return {
    apiVersion: pick(['v1beta1', 'v1beta2'] as const), version: pick([0, 1]), image: pick(['kindest/node:v1.31.4', 'kindest/node:v1.31.5']),
    args: r() < 0.5, files: r() < 0.5, nfd: r() < 0.5, hc: r() < 0.5, hcTimeout: pick(['10m', '20m']), batch: r() < 0.5,
    replicas: pick([2, 3]), openstack: r() < 0.3, lbCidrs: r() < 0.5, endpoint: false,
  };
}

/** One change of one knob (or two), as a user would make it between two applies. */
function mutate(k: Knobs, r: () => number): Knobs {
  const n = { ...k };
  const changes: (() => void)[] = [
    () => { n.version = Math.min(n.version + 1, 2); },
    () => { n.version = Math.min(n.version + 2, 2); }, // a skipped minor when it can
    () => { n.image = n.image.endsWith('4') ? 'kindest/node:v1.31.5' : 'kindest/node:v1.31.4'; },
    () => { n.args = !n.args; },
    () => { n.files = !n.files; },
    () => { n.nfd = !n.nfd; },
    () => { n.hc = !n.hc; },
    () => { n.hcTimeout = n.hcTimeout === '10m' ? '20m' : '10m'; },
    () => { n.batch = !n.batch; },
    () => { n.replicas = n.replicas === 2 ? 3 : 2; },
    () => { n.apiVersion = n.apiVersion === 'v1beta1' ? 'v1beta2' : 'v1beta1'; },
    () => { n.lbCidrs = !n.lbCidrs; },
    () => { n.endpoint = !n.endpoint; },
    () => { n.openstack = !n.openstack; },
  ];
  changes[Math.floor(r() * changes.length)]();
  if (r() < 0.3) changes[Math.floor(r() * changes.length)]();
  return n;
}

/** `count` generated update pairs (seeded). */
export function generatedCases(count: number, seed = 27): UpdateCase[] {
  const r = prng(seed);
  const restore = setWarningHandler(() => undefined);
  try {
    const out: UpdateCase[] = [];
    for (let i = 0; out.length < count && i < count * 3; i++) {
      const a = knobs(r);
      const b = mutate(a, r);
      try {
        out.push({ name: `generated #${out.length} ${JSON.stringify(a)} -> ${JSON.stringify(diffKnobs(a, b))}`, previous: manifestsOf([spec(a, 'ns')]), next: manifestsOf([spec(b, 'ns')]) });
      } catch {
        // a combination the library refuses (a ValidationError): not an update anyone can apply
      }
    }
    return out;
  } finally {
    setWarningHandler(restore);
  }
}

function diffKnobs(a: Knobs, b: Knobs): Partial<Knobs> {
  return Object.fromEntries(Object.entries(b).filter(([k, v]) => (a as never)[k] !== v)) as Partial<Knobs>;
}

/** The hand-written and fixture cases. */
export function fixedCases(): UpdateCase[] {
  const restore = setWarningHandler(() => undefined);
  try {
    const [before, after, fixed] = docsFleets();
    const base = manifestsOf([clusterSpec()]);
    const kcpEdit = (f: (o: any) => void) => base.map((m) => (m.kind === 'KubeadmControlPlane' ? edited(m, f) : m));
    const v1 = manifestsOf([clusterSpec({ cluster: { apiVersion: 'v1beta1' } as never })]);
    const cases: UpdateCase[] = [
      { name: 'plan test: a change touching every category', previous: renamespace(manifestsOf(previousFleet()), 'tenants', 'ns'), next: renamespace(manifestsOf(nextFleet()), 'tenants', 'ns') },
      { name: 'docs/day-2.md: the walk-through', previous: renamespace(before, 'fleet', 'ns'), next: renamespace(after, 'fleet', 'ns') },
      { name: 'docs/day-2.md: the walk-through, fixed', previous: renamespace(before, 'fleet', 'ns'), next: renamespace(fixed, 'fleet', 'ns') },
      { name: 'KubeadmControlPlane v1beta1 -> v1beta2', previous: renamespace(v1, 'tenants', 'ns'), next: renamespace(base, 'tenants', 'ns') },
      { name: 'KubeadmControlPlane v1beta2 -> v1beta1', previous: renamespace(base, 'tenants', 'ns'), next: renamespace(v1, 'tenants', 'ns') },
      { name: 'kubeadm: format removed', previous: renamespace(kcpEdit((o) => { o.spec.kubeadmConfigSpec.format = 'cloud-config'; }), 'tenants', 'ns'), next: renamespace(base, 'tenants', 'ns') },
      { name: 'kubeadm: clusterConfiguration removed', previous: renamespace(base, 'tenants', 'ns'), next: renamespace(kcpEdit((o) => { delete o.spec.kubeadmConfigSpec.clusterConfiguration; }), 'tenants', 'ns') },
      { name: 'kubeadm: argument only in initConfiguration', previous: renamespace(base, 'tenants', 'ns'), next: renamespace(kcpEdit((o) => { o.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '200' }]; }), 'tenants', 'ns') },
    ];
    return cases;
  } finally {
    setWarningHandler(restore);
  }
}

export const DOC_PATH = path.join(REPO, 'docs/day-2.md');
export const docExists = () => fs.existsSync(DOC_PATH);

interface CpKnobs {
  apiVersion: 'v1beta1' | 'v1beta2';
  version: number;
  flavor: string;
  args: boolean;
  files: boolean;
  nfd: boolean;
  hc: boolean;
  replicas: number;
}

/**
 * A cluster whose control plane the KubeadmControlPlane controller can act on in the real-cluster
 * suite: OpenStack infrastructure and an OpenStackMachineTemplate (the CRDs of CAPO's machines are
 * installed there, those of CAPD are not), and one OpenStack worker group (its MachineSets reach
 * their preflight checks there).
 */
function cpSpec(k: CpKnobs, ns: string): ClusterSpec {
  const v = VERSIONS[k.version];
  const kubeadm = {
    ...(k.args ? { apiServer: { extraArgs: { 'audit-log-maxage': '30' } } } : {}),
    ...(k.files ? { files: [{ path: '/etc/motd', content: 'hello' }] } : {}),
  };
  return clusterSpec({
    cluster: {
      name: 'c', namespace: ns, kubernetesVersion: v, apiVersion: k.apiVersion,
      ...(k.nfd ? { nodeFailureDetection: nfd } : {}),
      infrastructure: new OpenStackCluster({ cloudName: 'openstack', secretName: 'c-cloud-config', externalNetwork: 'public', managedSecurityGroups: true }),
      cloudController: false,
    } as never,
    controlPlane: {
      replicas: k.replicas,
      machineTemplate: new OpenStackMachineTemplate({ flavor: k.flavor, image: 'ubuntu-2404-kube', cloudName: 'openstack', secretName: 'c-cloud-config' }),
      kubeadm,
      ...(k.hc ? { healthCheck: HealthCheck.controlPlane() } : {}),
    } as never,
    workers: [{ name: 'md', machineTemplate: new OpenStackMachineTemplate({ flavor: 'm1.small', image: 'ubuntu-2404-kube', cloudName: 'openstack', secretName: 'c-cloud-config' }), scaling: { replicas: 1 } }] as never,
  });
}

/**
 * Control-plane update cases for the rollout suite (test/cluster/plan-rollouts.test.ts): hand edits
 * (format and imagePullPolicy defaults, an argument only in initConfiguration, API version moves) and
 * `count` seeded generated pairs of one or two knob changes (version, flavor, kubeadm arguments and
 * files, node failure detection, health check, replicas, API version).
 */
export function controlPlaneCases(count: number, seed = 2727): UpdateCase[] {
  const restore = setWarningHandler(() => undefined);
  try {
    const base: CpKnobs = { apiVersion: 'v1beta2', version: 0, flavor: 'm1.medium', args: false, files: false, nfd: false, hc: false, replicas: 3 };
    const of = (k: CpKnobs) => manifestsOf([cpSpec(k, 'ns')]);
    const kcpEdit = (objs: Manifest[], f: (o: any) => void) => objs.map((m) => (m.kind === 'KubeadmControlPlane' ? edited(m, f) : m));
    const out: UpdateCase[] = [
      { name: 'control plane: v1beta1 -> v1beta2', previous: of({ ...base, apiVersion: 'v1beta1' }), next: of(base) },
      { name: 'control plane: v1beta2 -> v1beta1', previous: of(base), next: of({ ...base, apiVersion: 'v1beta1' }) },
      { name: 'control plane: format removed', previous: kcpEdit(of(base), (o) => { o.spec.kubeadmConfigSpec.format = 'cloud-config'; }), next: of(base) },
      { name: 'control plane: imagePullPolicy removed', previous: of(base), next: kcpEdit(of(base), (o) => { delete o.spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.imagePullPolicy; }) },
      { name: 'control plane: argument only in initConfiguration', previous: of(base), next: kcpEdit(of(base), (o) => { o.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '200' }]; }) },
      { name: 'control plane: argument only in joinConfiguration', previous: of(base), next: kcpEdit(of(base), (o) => { o.spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '200' }]; }) },
      { name: 'control plane: flavor', previous: of(base), next: of({ ...base, flavor: 'm1.large' }) },
      { name: 'control plane: replicas only', previous: of(base), next: of({ ...base, replicas: 1 }) },
    ];
    const r = prng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    for (let i = 0; out.length < count + 8 && i < count * 3; i++) {
      const a: CpKnobs = {
        apiVersion: pick(['v1beta1', 'v1beta2'] as const), version: pick([0, 1]), flavor: pick(['m1.medium', 'm1.large']),
        args: r() < 0.5, files: r() < 0.5, nfd: r() < 0.5, hc: r() < 0.5, replicas: pick([1, 3]),
      };
      const b = { ...a };
      const changes: (() => void)[] = [
        () => { b.version = Math.min(b.version + 1, 2); },
        () => { b.version = Math.min(b.version + 2, 2); },
        () => { b.flavor = b.flavor === 'm1.medium' ? 'm1.large' : 'm1.medium'; },
        () => { b.args = !b.args; },
        () => { b.files = !b.files; },
        () => { b.nfd = !b.nfd; },
        () => { b.hc = !b.hc; },
        () => { b.replicas = b.replicas === 1 ? 3 : 1; },
        () => { b.apiVersion = b.apiVersion === 'v1beta1' ? 'v1beta2' : 'v1beta1'; },
      ];
      changes[Math.floor(r() * changes.length)]();
      if (r() < 0.3) changes[Math.floor(r() * changes.length)]();
      try {
        out.push({ name: `control plane generated #${out.length - 8} ${JSON.stringify(a)} -> ${JSON.stringify(Object.fromEntries(Object.entries(b).filter(([k, v]) => (a as never)[k] !== v)))}`, previous: of(a), next: of(b) });
      } catch {
        // a combination the library refuses
      }
    }
    return out;
  } finally {
    setWarningHandler(restore);
  }
}
