/**
 * The `kubeadm` props of ControlPlaneGroup and WorkerGroup, merged with what the library manages,
 * and rendered as a KubeadmConfigSpec (KubeadmControlPlane `spec.kubeadmConfigSpec`, or a worker
 * KubeadmConfigTemplate's `spec.template.spec`).
 *
 * Sources, in emit order: the provider bootstrap of the cluster's infrastructure
 * (provider-bootstrap.ts), the Cluster's `nodeFailureDetection`, then the group's `kubeadm` props.
 * Library-managed arguments and files cannot be replaced silently: a different user value is an
 * error naming both sources, unless `kubeadm.override` lists it (then it wins, with a warning).
 *
 * Where each prop goes (both Cluster API versions; only extraArgs change shape, v1beta1 maps and
 * v1beta2 `{name, value}` lists):
 * - kubeletExtraArgs, taints (+ provider nodeName, criSocket): `nodeRegistration` of
 *   `initConfiguration` and `joinConfiguration` (control plane, kept identical as KubeadmControlPlane
 *   compares machines as if joined) or of `joinConfiguration` (workers);
 * - apiServer / controllerManager / scheduler extraArgs: `clusterConfiguration.<component>.extraArgs`;
 * - etcd: `clusterConfiguration.etcd.local.{extraArgs, dataDir}`;
 * - files, preKubeadmCommands, postKubeadmCommands, users, ntp: top level of the spec.
 */
import { CapiVersion } from '../output/api-versions';
import { Problems, show } from '../rules/errors';
import { MachineRole } from '../nodes/machine-template';
import { compact } from '../output/manifest';
import { controllerManagerArgs, kubeletArgs, ResolvedNodeFailureDetection } from '../cluster/node-failure-detection';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkObject } from '../rules/validation';
import { checkExtraArgs, ExtraArgs, ManagedArg, mergeExtraArgs, renderExtraArgs } from './args';
import { checkCommands, checkNtp, NtpProps } from './commands';
import { checkFiles, KubeadmFile, mergeFiles, SourcedFile } from './files';
import { ApiServerProps, HostPathMount, resolveApiServer } from './api-server';
import { ProviderBootstrap } from './provider-bootstrap';
import { checkTaints, CONTROL_PLANE_TAINT, Taint } from './taints';
import { checkUsers, KubeadmUser } from './users';

/** kubeadm settings of one node group (workers, and the node part of the control plane). */
export interface KubeadmNodeProps {
  /**
   * kubelet arguments without the leading `--`, e.g. `{ 'max-pods': '200' }`. The provider's
   * (`cloud-provider`, `provider-id`) and nodeFailureDetection's are added; a different value for one
   * of those needs an `override` entry.
   * @default none beyond the library's
   */
  readonly kubeletExtraArgs?: ExtraArgs;
  /**
   * Taints the nodes register with. On the control plane this replaces kubeadm's default
   * `node-role.kubernetes.io/control-plane:NoSchedule` (include it to keep it); `[]` means no taints.
   * @default none (control plane: kubeadm's default taint)
   */
  readonly taints?: readonly Taint[];
  /** Files written before kubeadm runs; credentials only through `contentFrom`. @default none beyond the provider's */
  readonly files?: readonly KubeadmFile[];
  /** Shell commands run before kubeadm, after the provider's. @default none beyond the provider's */
  readonly preKubeadmCommands?: readonly string[];
  /** Shell commands run after kubeadm. @default none */
  readonly postKubeadmCommands?: readonly string[];
  /** OS users, e.g. for SSH access with public keys. @default none */
  readonly users?: readonly KubeadmUser[];
  /** NTP servers. @default none (the image's time configuration) */
  readonly ntp?: NtpProps;
  /**
   * Library-managed values this group replaces on purpose, each with a warning:
   * `kubeletExtraArgs.<name>`, `controllerManager.extraArgs.<name>` and `apiServer.extraArgs.<name>` (control
   * plane) or `files[<path>]`.
   * @default none
   */
  readonly override?: readonly string[];
}

/** A control-plane component's settings. */
export interface ComponentProps {
  /** Command-line arguments without the leading `--`. @default none */
  readonly extraArgs?: ExtraArgs;
}

/** Local (stacked) etcd settings. */
export interface EtcdProps {
  /** etcd arguments without the leading `--`. @default none */
  readonly extraArgs?: ExtraArgs;
  /** Absolute path of etcd's data directory. @default '/var/lib/etcd' (kubeadm's) */
  readonly dataDir?: string;
}

/** kubeadm settings of the control plane: the node settings plus its components'. */
export interface ControlPlaneKubeadmProps extends KubeadmNodeProps {
  /**
   * kube-apiserver: its arguments and hardening (encryption at rest, audit logging, OIDC, Pod Security).
   * @default none (docs/hardening.md)
   */
  readonly apiServer?: ApiServerProps;
  /** kube-controller-manager; the provider's `cloud-provider` and nodeFailureDetection's flags are added. @default none */
  readonly controllerManager?: ComponentProps;
  /** kube-scheduler. @default none */
  readonly scheduler?: ComponentProps;
  /** Local etcd (`clusterConfiguration.etcd.local`). @default none */
  readonly etcd?: EtcdProps;
}

/** kubeadm settings of a worker group. */
export type WorkerKubeadmProps = KubeadmNodeProps;

/** Validated and merged kubeadm settings of one group, ready to render. */
export interface ResolvedKubeadm {
  readonly role: MachineRole;
  readonly kubelet: Record<string, string>;
  readonly nodeName?: string;
  readonly criSocket?: string;
  /** undefined = unset (kubeadm default); [] = no taints. */
  readonly taints?: Taint[];
  readonly files: KubeadmFile[];
  readonly preKubeadmCommands: string[];
  readonly postKubeadmCommands?: string[];
  readonly users?: Record<string, unknown>[];
  readonly ntp?: { servers: string[]; enabled: boolean };
  readonly apiServer?: Record<string, string>;
  /** Host-path volumes of the API server's static pod (the hardening's files and audit log). */
  readonly apiServerVolumes?: HostPathMount[];
  readonly controllerManager: Record<string, string>;
  readonly scheduler?: Record<string, string>;
  readonly etcd?: { extraArgs?: Record<string, string>; dataDir?: string };
}

/** The known keys of the kubeadm props (strict props, tied to the interfaces by the compiler). */
const NODE_FIELDS = propKeys<WorkerKubeadmProps>()('WorkerKubeadmProps', {
  kubeletExtraArgs: true, taints: true, files: true, preKubeadmCommands: true, postKubeadmCommands: true, users: true, ntp: true, override: true,
});
const CONTROL_PLANE_FIELDS = propKeys<ControlPlaneKubeadmProps>()('ControlPlaneKubeadmProps', {
  ...Object.fromEntries(NODE_FIELDS.keys.map((k) => [k, true])) as Record<keyof WorkerKubeadmProps, true>,
  apiServer: true, controllerManager: true, scheduler: true, etcd: true,
});
const COMPONENT_FIELDS = propKeys<ComponentProps>()('ComponentProps', { extraArgs: true });
const ETCD_FIELDS = propKeys<EtcdProps>()('EtcdProps', { extraArgs: true, dataDir: true });
const NFD_SOURCE = 'the Cluster\'s nodeFailureDetection';

function managed(args: Readonly<Record<string, string>> | undefined, source: string, into: Record<string, ManagedArg>): void {
  if (args) for (const k in args) into[k] = { value: args[k], source };
}

function checkComponent(p: Problems, path: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  checkPropKeys(p, path, value, COMPONENT_FIELDS);
  return checkExtraArgs(p, `${path}.extraArgs`, value.extraArgs);
}

function checkOverride(p: Problems, path: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    p.error(path, `must be a list of strings such as "kubeletExtraArgs.cloud-provider" or "files[/etc/kube-vip.hosts]", got ${show(value)}`);
    return [];
  }
  return value as string[];
}

/**
 * Validates a group's `kubeadm` props (at `path`, usually `kubeadm`) and merges them with the
 * provider bootstrap and node failure detection of the cluster. Records every problem; returns
 * undefined if there was one.
 */
export function resolveKubeadm(
  p: Problems, path: string, value: unknown, role: MachineRole,
  bootstrap: ProviderBootstrap | undefined, nfd: ResolvedNodeFailureDetection | undefined, kubernetesVersion?: string,
): ResolvedKubeadm | undefined {
  const before = p.errors.length;
  let v: Record<string, unknown> = {};
  if (value !== undefined) {
    if (!checkObject(p, path, value)) return undefined;
    v = value;
    checkPropKeys(p, path, v, role === 'control-plane' ? CONTROL_PLANE_FIELDS : NODE_FIELDS,
      (k) => (role !== 'control-plane' && CONTROL_PLANE_FIELDS.has(k)
        ? `${show(k)} is not a known field of WorkerKubeadmProps: control-plane components are set on the ControlPlaneGroup's kubeadm` : undefined));
  }
  const prefix = `${path}.`;
  const overrideList = checkOverride(p, `${path}.override`, v.override);
  const override = new Set(overrideList);
  const used = new Set<string>();

  const kubeletManaged: Record<string, ManagedArg> = {};
  managed(bootstrap?.kubeletExtraArgs, bootstrap?.source ?? '', kubeletManaged);
  if (nfd) managed(kubeletArgs(nfd), NFD_SOURCE, kubeletManaged);
  const userKubelet = checkExtraArgs(p, `${path}.kubeletExtraArgs`, v.kubeletExtraArgs);
  const kubelet = mergeExtraArgs(p, prefix, 'kubeletExtraArgs', kubeletManaged, userKubelet, override, used);

  const taints = checkTaints(p, `${path}.taints`, v.taints);
  if (taints && role === 'control-plane' && !taints.some((t) => t.key === CONTROL_PLANE_TAINT.key && t.effect === CONTROL_PLANE_TAINT.effect)) {
    p.warn(`${path}.taints`, `${taints.length === 0 ? 'no taints' : 'this list'} replaces kubeadm's default ${CONTROL_PLANE_TAINT.key}:${CONTROL_PLANE_TAINT.effect}: ordinary workloads will be scheduled on the control-plane nodes (add that taint to the list to keep them off)`);
  }

  const apiServerProps = role === 'control-plane'
    ? resolveApiServer(p, `${path}.apiServer`, v.apiServer, kubernetesVersion, (at, value) => checkExtraArgs(p, at, value))
    : undefined;
  const managedFiles: SourcedFile[] = [];
  if (bootstrap) {
    for (const f of bootstrap.files ?? []) managedFiles.push({ file: f, source: bootstrap.source });
    if (role === 'control-plane') for (const f of bootstrap.controlPlaneFiles ?? []) managedFiles.push({ file: f, source: bootstrap.source });
  }
  if (apiServerProps) managedFiles.push(...apiServerProps.hardening.files);
  const userFiles = checkFiles(p, `${path}.files`, v.files);
  const files = mergeFiles(p, `${path}.files`, managedFiles, userFiles, override, used);
  if (files.length > 200) p.error(`${path}.files`, `${files.length} files with the provider's; Cluster API allows at most 200`);

  const pre = checkCommands(p, `${path}.preKubeadmCommands`, v.preKubeadmCommands);
  const post = checkCommands(p, `${path}.postKubeadmCommands`, v.postKubeadmCommands);
  const users = checkUsers(p, `${path}.users`, v.users);
  const ntp = checkNtp(p, `${path}.ntp`, v.ntp);

  let apiServer: Record<string, string> | undefined;
  let apiServerVolumes: HostPathMount[] | undefined;
  let scheduler: Record<string, string> | undefined;
  let etcd: { extraArgs?: Record<string, string>; dataDir?: string } | undefined;
  let controllerManager: Record<string, string> = {};
  if (role === 'control-plane') {
    apiServer = mergeExtraArgs(p, prefix, 'apiServer.extraArgs', apiServerProps!.hardening.args, apiServerProps!.extraArgs, override, used);
    apiServerVolumes = apiServerProps!.hardening.volumes;
    scheduler = checkComponent(p, `${path}.scheduler`, v.scheduler);
    const cmManaged: Record<string, ManagedArg> = {};
    managed(bootstrap?.controllerManagerExtraArgs, bootstrap?.source ?? '', cmManaged);
    if (nfd) managed(controllerManagerArgs(nfd), NFD_SOURCE, cmManaged);
    controllerManager = mergeExtraArgs(p, prefix, 'controllerManager.extraArgs', cmManaged, checkComponent(p, `${path}.controllerManager`, v.controllerManager), override, used);
    etcd = checkEtcd(p, `${path}.etcd`, v.etcd);
  }

  overrideList.forEach((o, i) => {
    if (!used.has(o)) {
      p.error(`${path}.override[${i}]`, `${show(o)} overrides nothing: an entry must name a library-managed value that this group sets differently (kubeletExtraArgs.<name>, controllerManager.extraArgs.<name>, apiServer.extraArgs.<name> or files[<path>])`);
    }
  });
  if (p.errors.length > before) return undefined;
  const preKubeadmCommands = [...(bootstrap?.preKubeadmCommands ?? []), ...(apiServerProps?.hardening.commands ?? []), ...(pre ?? [])];
  return {
    role, kubelet, nodeName: bootstrap?.nodeName, criSocket: bootstrap?.criSocket, taints, files, preKubeadmCommands,
    postKubeadmCommands: post, users, ntp, apiServer, apiServerVolumes, controllerManager, scheduler, etcd,
  };
}

function checkEtcd(p: Problems, path: string, value: unknown): { extraArgs?: Record<string, string>; dataDir?: string } | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  checkPropKeys(p, path, value, ETCD_FIELDS);
  const extraArgs = checkExtraArgs(p, `${path}.extraArgs`, value.extraArgs);
  const d = value.dataDir;
  if (d !== undefined && (typeof d !== 'string' || !d.startsWith('/') || d.length > 512 || /\s/.test(d) || d.split('/').includes('..'))) {
    p.error(`${path}.dataDir`, `${show(d)} is not an absolute directory path: start with "/", no "..", no whitespace, at most 512 characters`);
    return undefined;
  }
  return { extraArgs, dataDir: d as string | undefined };
}

function args(a: Record<string, string> | undefined, capi: CapiVersion): unknown {
  return a && Object.keys(a).length > 0 ? renderExtraArgs(a, capi) : undefined;
}

/**
 * The KubeadmConfigSpec of a resolved group: for the control plane the KubeadmControlPlane's
 * `spec.kubeadmConfigSpec`, for workers the KubeadmConfigTemplate's `spec.template.spec`.
 * Compacted (no empty objects or lists), except an explicit `taints: []`.
 */
export function renderKubeadmConfigSpec(r: ResolvedKubeadm, capi: CapiVersion): Record<string, unknown> {
  const cp = r.role === 'control-plane';
  const spec = compact({
    format: 'cloud-config',
    clusterConfiguration: cp ? {
      apiServer: { extraArgs: args(r.apiServer, capi), extraVolumes: r.apiServerVolumes?.map((m) => ({ ...m })) },
      controllerManager: { extraArgs: args(r.controllerManager, capi) },
      scheduler: { extraArgs: args(r.scheduler, capi) },
      etcd: r.etcd && { local: { dataDir: r.etcd.dataDir, extraArgs: args(r.etcd.extraArgs, capi) } },
    } : undefined,
    files: r.files,
    preKubeadmCommands: r.preKubeadmCommands,
    postKubeadmCommands: r.postKubeadmCommands,
    users: r.users,
    ntp: r.ntp,
  }) as Record<string, unknown>;
  // nodeRegistration goes in after compact, so that an explicit `taints: []` (no taints) survives;
  // a new object for each configuration (a shared one would become a YAML alias).
  const nodeRegistration = (): Record<string, unknown> | undefined => {
    const n = compact({ name: r.nodeName, criSocket: r.criSocket, kubeletExtraArgs: args(r.kubelet, capi) }) as Record<string, unknown> | undefined;
    return r.taints === undefined ? n : { ...n, taints: r.taints.map((t) => ({ ...t })) };
  };
  const first = nodeRegistration();
  if (first) {
    if (cp) spec.initConfiguration = { nodeRegistration: first };
    spec.joinConfiguration = { nodeRegistration: cp ? nodeRegistration() : first };
  }
  return spec;
}
