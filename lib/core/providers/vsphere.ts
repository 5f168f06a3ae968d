/**
 * vSphere (Cluster API Provider vSphere, CAPV, "govmomi" mode): VSphereMachineTemplate and
 * VSphereCluster, group `infrastructure.cluster.x-k8s.io`.
 *
 * Versions: v1beta2 (CAPV 1.16+, storage) by default; v1beta1 for CAPV 1.15 and older (still served,
 * deprecated, in 1.16). Limits follow the CRDs of CAPV v1.16.1 and its template webhook:
 * - `template` and at least one network device (`network.devices[].networkName`) are required;
 * - v1beta2: numCPUs >= 2, memoryMiB >= 1, diskGiB >= 1, string fields 1..2048 (1..1024) characters;
 * - `providerID` and `network.devices[].ipAddrs` are forbidden in templates (use DHCP or IPAM pools);
 * - `hardwareVersion` matches `vmx-N`; a soft power-off timeout needs `powerOffMode: trySoft`.
 * The template spec is immutable in CAPV; the group names the object after a hash of it.
 */
import { isIP } from 'net';
import { INFRASTRUCTURE_GROUP, LABEL_VSPHERE_DEPLOYMENT_ZONE } from '../output/api-versions';
import { InfrastructureCluster } from '../cluster/cluster';
import { ProblemReporter, Problems, show, ValidationError, Warning } from '../rules/errors';
import { checkTemplateMetadata, MachineCapacity, MachineRole, MachineTemplate, MachineTemplateMetadata } from '../nodes/machine-template';
import { checkKubeVip, KubeVipProps } from '../kubeadm/kube-vip';
import { ProviderBootstrap } from '../kubeadm/provider-bootstrap';
import { compact, Manifest } from '../output/manifest';
import { checkDuration, checkEnum, checkObject, checkProps, Duration } from '../rules/validation';
import {
  checkAdditionalFields, checkControlPlaneCapacity, checkKnownKeys, checkObjectName, checkVersion, MachineTemplateObject, mergeOverrides,
  optBool, optInt, optString, optStringList, propPathOf, readTemplateObject, reqString, takeRest,
} from './common';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkVSphereMachineSpec } from './vsphere-rules';

/** A vSphere provider (CAPV) API version. */
export type VSphereVersion = 'v1beta2' | 'v1beta1';
/** The VSphereMachineTemplate/VSphereCluster versions the library emits (CAPV v1beta2 from 1.16, v1beta1 before). */
export const VSPHERE_VERSIONS: readonly VSphereVersion[] = ['v1beta2', 'v1beta1'];

/** An IPAM pool a network device takes its address from (`addressesFromPools[]`). */
export interface VSphereIpPoolRef {
  /** @default 'ipam.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** e.g. `InClusterIPPool`, `GlobalInClusterIPPool`. */
  readonly kind: string;
  readonly name: string;
}

/** One network device of the VM (`network.devices[]`). */
export interface VSphereNetworkDevice {
  /** Name, inventory path, MoRef or MoID of the vSphere network (port group). */
  readonly networkName: string;
  /** @default true when neither dhcp6 nor addressesFromPools is set, else unset */
  readonly dhcp4?: boolean;
  /** @default unset (false) */
  readonly dhcp6?: boolean;
  /** Static addresses from Cluster API IPAM pools (templates may not list fixed `ipAddrs`). @default none */
  readonly addressesFromPools?: readonly VSphereIpPoolRef[];
  /** @default none */
  readonly gateway4?: string;
  /** @default none */
  readonly gateway6?: string;
  /** @default none */
  readonly nameservers?: readonly string[];
  /** @default none */
  readonly searchDomains?: readonly string[];
  /** @default the network's MTU */
  readonly mtu?: number;
  /** Guest device name, e.g. `eth0`. @default assigned by the guest */
  readonly deviceName?: string;
}

/** Props of a {@link VSphereMachineTemplate} (vSphere VMs cloned from a template). */
export interface VSphereMachineTemplateProps {
  /**
   * CAPV API version to emit: v1beta2 for CAPV 1.16+, v1beta1 for CAPV 1.15 and older.
   * @default 'v1beta2'
   */
  readonly version?: VSphereVersion;
  /** VM template to clone (seed: "Шаблон ВМ"): name, inventory path, MoRef or MoID. Required. */
  readonly template: string;
  /** vCenter address. @default the VSphereCluster's `server` */
  readonly server?: string;
  /** SHA-1 thumbprint of the vCenter certificate. @default none (the system's CA bundle is used) */
  readonly thumbprint?: string;
  /** @default '*' (the default datacenter) */
  readonly datacenter?: string;
  /** @default the template's datastore */
  readonly datastore?: string;
  /** VM folder (seed: "путь до места создания ВМ"). @default the datacenter's VM folder */
  readonly folder?: string;
  /** @default the cluster's default resource pool */
  readonly resourcePool?: string;
  /** @default none */
  readonly storagePolicyName?: string;
  /** Number of vCPUs; at least 2 in v1beta2. @default the template's */
  readonly numCPUs?: number;
  /** @default the template's */
  readonly numCoresPerSocket?: number;
  /** RAM in MiB (vSphere needs a multiple of 4). @default the template's */
  readonly memoryMiB?: number;
  /** Size of the OS disk in GiB; ignored by a linked clone. @default the template's */
  readonly diskGiB?: number;
  /** @default none */
  readonly additionalDisksGiB?: readonly number[];
  /** @default linkedClone if the template has a snapshot, else fullClone */
  readonly cloneMode?: 'fullClone' | 'linkedClone';
  /** Snapshot a linked clone starts from. @default the template's current snapshot */
  readonly snapshot?: string;
  /** One network device on this network, with DHCPv4 (seed: "Имя сети"). Use `networks` for more. */
  readonly networkName?: string;
  /** One or more network devices. Exactly one of `networkName` and `networks` is required. */
  readonly networks?: readonly VSphereNetworkDevice[];
  /** VM hardware version, e.g. `vmx-19`. @default the template's */
  readonly hardwareVersion?: string;
  /** @default 'hard' */
  readonly powerOffMode?: 'hard' | 'soft' | 'trySoft';
  /** How long a `trySoft` power-off waits for the guest. @default CAPV default (5m) */
  readonly guestSoftPowerOffTimeout?: Duration;
  /** vSphere tag URNs attached to the VM. @default none */
  readonly tagIDs?: readonly string[];
  /** Labels/annotations on the VSphereMachines (`spec.template.metadata`). @default none */
  readonly templateMetadata?: MachineTemplateMetadata;
  /**
   * Other `spec.template.spec` fields of the chosen version (e.g. `dataDisks`, `pciDevices`),
   * emitted verbatim. Checked only against CAPV's create-time rules (pciDevices, namingStrategy/naming
   * template: lib/core/providers/vsphere-rules.ts). @default none
   */
  readonly additionalFields?: Record<string, unknown>;
}

/** Props of {@link VSphereMachineTemplate.from}: any subset of the props. */
export type VSphereMachineTemplateOverrides = Partial<VSphereMachineTemplateProps>;

const KNOWN = propKeys<VSphereMachineTemplateProps>()('VSphereMachineTemplateProps', {
  version: true, template: true, server: true, thumbprint: true, datacenter: true, datastore: true, folder: true, resourcePool: true, storagePolicyName: true, numCPUs: true, numCoresPerSocket: true, memoryMiB: true, diskGiB: true, additionalDisksGiB: true, cloneMode: true, snapshot: true, networkName: true, networks: true, hardwareVersion: true, powerOffMode: true, guestSoftPowerOffTimeout: true, tagIDs: true, templateMetadata: true, additionalFields: true,
});

/** `spec.template.spec` fields the typed props emit (in either version). */
const TYPED_FIELDS = [
  'template', 'server', 'thumbprint', 'datacenter', 'datastore', 'folder', 'resourcePool', 'storagePolicyName', 'numCPUs',
  'numCoresPerSocket', 'memoryMiB', 'diskGiB', 'additionalDisksGiB', 'cloneMode', 'snapshot', 'network', 'hardwareVersion',
  'powerOffMode', 'guestSoftPowerOffTimeout', 'guestSoftPowerOffTimeoutSeconds', 'tagIDs',
];

const FORBIDDEN = {
  providerID: 'providerID cannot be set in templates: CAPV rejects it (each machine gets its own)',
};

const DEVICE_PROPS = propKeys<VSphereNetworkDevice>()('VSphereNetworkDevice', {
  networkName: true, dhcp4: true, dhcp6: true, addressesFromPools: true, gateway4: true, gateway6: true, nameservers: true, searchDomains: true,
  mtu: true, deviceName: true,
});
const IP_POOL_REF_PROPS = propKeys<VSphereIpPoolRef>()('VSphereIpPoolRef', { apiGroup: true, kind: true, name: true });
const IDENTITY_REF_PROPS = propKeys<NonNullable<VSphereClusterProps['identityRef']>>()('identityRef', { kind: true, name: true });
const ENDPOINT_PROPS = propKeys<NonNullable<VSphereClusterProps['controlPlaneEndpoint']>>()('controlPlaneEndpoint', { host: true, port: true });

/** vSphere accepts only memory sizes that are multiples of 4 MB. */
const MEMORY_MULTIPLE = 4;

function checkDevice(p: Problems, path: string, d: unknown, v2: boolean): Record<string, unknown> | undefined {
  if (!checkObject(p, path, d)) return undefined;
  if ((d as { ipAddrs?: unknown }).ipAddrs !== undefined) {
    p.error(`${path}.ipAddrs`, `${show(d.ipAddrs)}: fixed IP addresses cannot be set in templates (CAPV rejects them; every machine would get the same address): use DHCP or addressesFromPools`);
  }
  // ipAddrs has its own message (above)
  checkPropKeys(p, path, d, DEVICE_PROPS, (k) => (k === 'ipAddrs' ? null : undefined));
  const max = v2 ? 2048 : undefined;
  const networkName = reqString(p, `${path}.networkName`, d.networkName, max);
  const dhcp4 = optBool(p, `${path}.dhcp4`, d.dhcp4);
  const dhcp6 = optBool(p, `${path}.dhcp6`, d.dhcp6);
  let pools: Record<string, string>[] | undefined;
  if (d.addressesFromPools !== undefined) {
    if (!Array.isArray(d.addressesFromPools)) p.error(`${path}.addressesFromPools`, `must be a list of IP pool references, got ${show(d.addressesFromPools)}`);
    else {
      pools = [];
      d.addressesFromPools.forEach((r: unknown, i: number) => {
        const rp = `${path}.addressesFromPools[${i}]`;
        if (!checkObject(p, rp, r)) return;
        checkPropKeys(p, rp, r, IP_POOL_REF_PROPS);
        const apiGroup = r.apiGroup === undefined ? 'ipam.cluster.x-k8s.io' : optString(p, `${rp}.apiGroup`, r.apiGroup, 253);
        const kind = reqString(p, `${rp}.kind`, r.kind, 63);
        const name = checkObjectName(p, `${rp}.name`, r.name, true);
        if (apiGroup && kind && name) pools!.push({ apiGroup, kind, name });
      });
    }
  }
  const out = {
    networkName,
    dhcp4: dhcp4 ?? (dhcp6 === undefined && !pools?.length ? true : undefined),
    dhcp6,
    addressesFromPools: pools,
    gateway4: optString(p, `${path}.gateway4`, d.gateway4, 64),
    gateway6: optString(p, `${path}.gateway6`, d.gateway6, 64),
    nameservers: optStringList(p, `${path}.nameservers`, d.nameservers, { maxItems: 128 }),
    searchDomains: optStringList(p, `${path}.searchDomains`, d.searchDomains, { maxItems: 128 }),
    mtu: optInt(p, `${path}.mtu`, d.mtu, 68, 65535),
    deviceName: optString(p, `${path}.deviceName`, d.deviceName, max && 1024),
  };
  if (dhcp4 === false && dhcp6 !== true && !pools?.length) {
    p.warn(path, 'has neither DHCP nor addressesFromPools: the machine gets no IP address on this network from Cluster API');
  }
  return out;
}

/**
 * A vSphere machine template (CAPV `VSphereMachineTemplate`), usable as the `machineTemplate` of a
 * ControlPlaneGroup or WorkerGroup. Validated when built; throws ValidationError with every problem.
 */
export class VSphereMachineTemplate implements MachineTemplate {
  /**
   * A copy of `existing` with `overrides` applied (seed: "copy from an existing template").
   * `existing` is a VSphereMachineTemplate value or a VSphereMachineTemplate object read from a
   * cluster; the copy keeps its API version unless `overrides.version` says otherwise.
   */
  static from(existing: VSphereMachineTemplate | MachineTemplateObject, overrides?: VSphereMachineTemplateOverrides): VSphereMachineTemplate {
    const base = existing instanceof VSphereMachineTemplate ? existing.props : propsFromObject(existing);
    return new VSphereMachineTemplate(mergeOverrides('VSphereMachineTemplate', base, overrides, [['networkName', 'networks']]));
  }

  public readonly apiGroup = INFRASTRUCTURE_GROUP;
  public readonly version: VSphereVersion;
  public readonly kind = 'VSphereMachineTemplate';
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly templateMetadata?: MachineTemplateMetadata;
  public readonly warnings: readonly Warning[];
  /** The props this template was built from (what `from` copies). */
  public readonly props: Readonly<VSphereMachineTemplateProps>;
  /** numCPUs, memoryMiB and diskGiB, where set. */
  public readonly capacity: MachineCapacity;
  /** The VM template cloned. */
  public readonly imageName: string;

  constructor(props: VSphereMachineTemplateProps) {
    const p = new Problems('VSphereMachineTemplate');
    if (!checkProps(p, props)) p.throwIfErrors();
    checkKnownKeys(p, props, KNOWN, 'reference a VSphereClusterIdentity or Secret from VSphereCluster.identityRef instead');
    const version = checkVersion(p, 'version', props.version, VSPHERE_VERSIONS, 'v1beta2');
    const v2 = version !== 'v1beta1';
    const long = v2 ? 2048 : undefined;
    const short = v2 ? 1024 : undefined;
    const template = reqString(p, 'template', props.template, long);
    // the minimums of CAPV's VSphereMachineTemplate CRD (v1beta2 schema; v1beta1 has none but for whole numbers)
    const schema = v2 ? 'the rule of CAPV\'s v1beta2 VSphereMachineTemplate schema' : undefined;
    const numCPUs = optInt(p, 'numCPUs', props.numCPUs, v2 ? 2 : 1, undefined, schema);
    if (!v2 && numCPUs === 1) p.warn('numCPUs', '1: CAPV v1beta2 requires at least 2 vCPUs; this template cannot be converted to v1beta2 unchanged');
    const memoryMiB = optInt(p, 'memoryMiB', props.memoryMiB, 1, undefined, schema);
    if (memoryMiB !== undefined && memoryMiB % MEMORY_MULTIPLE !== 0) {
      p.warn('memoryMiB', `${memoryMiB} is not a multiple of ${MEMORY_MULTIPLE}: vSphere rejects such a memory size when it reconfigures the VM`);
    }
    const diskGiB = optInt(p, 'diskGiB', props.diskGiB, 1, undefined, schema);
    const cloneMode = props.cloneMode === undefined ? undefined : checkEnum(p, 'cloneMode', props.cloneMode, ['fullClone', 'linkedClone'] as const);
    if (cloneMode === 'linkedClone' && diskGiB !== undefined) {
      p.warn('diskGiB', `${diskGiB} is ignored with cloneMode linkedClone: a linked clone keeps the template's disk size; use fullClone to resize`);
    }
    const snapshot = optString(p, 'snapshot', props.snapshot, short);
    if (snapshot !== undefined && cloneMode === 'fullClone') p.warn('snapshot', `${show(snapshot)} is used only by linked clones and is ignored with cloneMode fullClone`);

    let devices: Record<string, unknown>[] | undefined;
    if (props.networkName !== undefined && props.networks !== undefined) {
      p.error('networks', 'set either networkName (one device) or networks (one or more devices), not both');
    } else if (props.networkName !== undefined) {
      const networkName = optString(p, 'networkName', props.networkName, long);
      if (networkName !== undefined) devices = [{ networkName, dhcp4: true }];
    } else if (props.networks !== undefined) {
      if (!Array.isArray(props.networks) || props.networks.length === 0) {
        p.error('networks', `must be a non-empty list of network devices, got ${show(props.networks)}`);
      } else if (props.networks.length > 128) {
        p.error('networks', `CAPV allows at most 128 network devices, got ${props.networks.length}`);
      } else {
        devices = props.networks.map((d, i) => checkDevice(p, `networks[${i}]`, d, v2)).filter((d): d is Record<string, unknown> => !!d);
      }
    } else {
      p.error('networkName', 'is required: CAPV needs at least one network device (set networkName, or networks for several)');
    }

    const hardwareVersion = optString(p, 'hardwareVersion', props.hardwareVersion, v2 ? 128 : undefined);
    if (hardwareVersion !== undefined && !/^vmx-[1-9][0-9]?$/.test(hardwareVersion)) {
      p.error('hardwareVersion', `${show(hardwareVersion)} is not a VM hardware version: CAPV expects "vmx-N" such as "vmx-19"`);
    }
    const powerOffMode = props.powerOffMode === undefined ? undefined : checkEnum(p, 'powerOffMode', props.powerOffMode, ['hard', 'soft', 'trySoft'] as const);
    let softTimeout: number | undefined;
    if (props.guestSoftPowerOffTimeout !== undefined) {
      softTimeout = checkDuration(p, 'guestSoftPowerOffTimeout', props.guestSoftPowerOffTimeout);
      if (softTimeout === 0) {
        p.error('guestSoftPowerOffTimeout', 'must be positive, got 0');
        softTimeout = undefined;
      }
      if (powerOffMode !== undefined && powerOffMode !== 'trySoft') {
        p.error('guestSoftPowerOffTimeout', `applies only with powerOffMode "trySoft", got powerOffMode ${show(powerOffMode)}`);
      } else if (powerOffMode === undefined) {
        p.error('guestSoftPowerOffTimeout', 'applies only with powerOffMode "trySoft"; powerOffMode is unset (hard)');
      }
    }
    const additionalDisks = props.additionalDisksGiB === undefined ? undefined : Array.isArray(props.additionalDisksGiB)
      ? props.additionalDisksGiB.map((s, i) => optInt(p, `additionalDisksGiB[${i}]`, s, 1))
      : (p.error('additionalDisksGiB', `must be a list of sizes in GiB, got ${show(props.additionalDisksGiB)}`), undefined);
    const templateMetadata = checkTemplateMetadata(p, 'templateMetadata', props.templateMetadata);
    const extra = checkAdditionalFields(p, 'additionalFields', props.additionalFields, TYPED_FIELDS, FORBIDDEN);
    const fields = {
      template,
      server: optString(p, 'server', props.server, short),
      thumbprint: optString(p, 'thumbprint', props.thumbprint, short),
      datacenter: optString(p, 'datacenter', props.datacenter, long),
      datastore: optString(p, 'datastore', props.datastore, long),
      folder: optString(p, 'folder', props.folder, long),
      resourcePool: optString(p, 'resourcePool', props.resourcePool, long),
      storagePolicyName: optString(p, 'storagePolicyName', props.storagePolicyName, short),
      numCPUs,
      numCoresPerSocket: optInt(p, 'numCoresPerSocket', props.numCoresPerSocket, 0),
      memoryMiB,
      diskGiB,
      additionalDisksGiB: additionalDisks,
      cloneMode,
      snapshot,
      network: devices && { devices },
      hardwareVersion,
      powerOffMode,
      tagIDs: optStringList(p, 'tagIDs', props.tagIDs, { maxItems: 128 }),
    };
    if (numCPUs !== undefined && fields.numCoresPerSocket && numCPUs % fields.numCoresPerSocket !== 0) {
      p.error('numCoresPerSocket', `${fields.numCoresPerSocket} does not divide numCPUs (${numCPUs}): vSphere needs a whole number of sockets`);
    }
    checkVSphereMachineSpec(p, { ...extra, ...fields }, propPathOf(TYPED_FIELDS));
    p.throwIfErrors();

    this.version = version!;
    this.spec = compact({
      ...extra,
      ...fields,
      ...(v2 ? { guestSoftPowerOffTimeoutSeconds: softTimeout } : { guestSoftPowerOffTimeout: softTimeout === undefined ? undefined : `${softTimeout}s` }),
    });
    this.templateMetadata = templateMetadata;
    this.warnings = p.warnings;
    this.props = Object.freeze({ ...props });
    this.capacity = Object.freeze({ cpu: props.numCPUs, memoryMiB: props.memoryMiB, diskGiB: props.diskGiB });
    this.imageName = props.template;
  }

  /** kubeadm's control-plane minimums (2 CPUs, 1700 MB), where the template sets them. */
  validateFor(role: MachineRole, problems: ProblemReporter, path: string): void {
    checkControlPlaneCapacity(role, problems, path, { field: 'numCPUs', value: this.props.numCPUs }, { field: 'memoryMiB', valueMiB: this.props.memoryMiB });
  }
}

/** Maps a VSphereMachineTemplate object's `spec.template.spec` back to props. */
function propsFromObject(existing: unknown): VSphereMachineTemplateProps {
  const o = readTemplateObject('VSphereMachineTemplate', existing, ['VSphereMachineTemplate']);
  const s = o.spec;
  const typed = ['template', 'server', 'thumbprint', 'datacenter', 'datastore', 'folder', 'resourcePool', 'storagePolicyName', 'numCPUs',
    'numCoresPerSocket', 'memoryMiB', 'diskGiB', 'additionalDisksGiB', 'cloneMode', 'snapshot', 'hardwareVersion', 'powerOffMode', 'tagIDs'];
  const props: Record<string, unknown> = { version: o.version };
  for (const k of typed) if (s[k] !== undefined) props[k] = s[k];
  const net = s.network as { devices?: unknown[] } | undefined;
  const rest = takeRest(s, [...typed, 'network', 'guestSoftPowerOffTimeoutSeconds', 'guestSoftPowerOffTimeout']) ?? {};
  if (net && typeof net === 'object' && Array.isArray(net.devices)) {
    props.networks = net.devices;
    const netRest = takeRest(net as Record<string, unknown>, ['devices']);
    if (netRest) {
      throw new ValidationError('VSphereMachineTemplate', [{
        path: 'existing.spec.template.spec.network',
        message: `${Object.keys(netRest).map((k) => show(k)).join(', ')}: network-level fields have no prop in VSphereMachineTemplate; copy this object with CustomMachineTemplate instead`,
      }]);
    }
  }
  const timeout = s.guestSoftPowerOffTimeoutSeconds ?? s.guestSoftPowerOffTimeout;
  if (timeout !== undefined) props.guestSoftPowerOffTimeout = timeout;
  delete rest.providerID;
  if (Object.keys(rest).length > 0) props.additionalFields = rest;
  if (o.metadata) props.templateMetadata = o.metadata;
  return props as unknown as VSphereMachineTemplateProps;
}

/** Props of a {@link VSphereCluster}: vCenter, credentials by reference, the control-plane endpoint and kube-vip. */
export interface VSphereClusterProps {
  /** @default 'v1beta2' */
  readonly version?: VSphereVersion;
  /** Name of the VSphereCluster object. @default the Cluster's name */
  readonly name?: string;
  /** vCenter address (IP or FQDN). Required. */
  readonly server: string;
  /** SHA-1 thumbprint of the vCenter certificate. @default none (the system's CA bundle is used) */
  readonly thumbprint?: string;
  /**
   * Where CAPV reads the vCenter credentials: a VSphereClusterIdentity or a Secret (with `username`
   * and `password`) in the cluster's namespace. Never the credentials themselves.
   * @default none: the credentials CAPV was started with
   */
  readonly identityRef?: { readonly kind: 'VSphereClusterIdentity' | 'Secret'; readonly name: string };
  /**
   * The API server endpoint. With kube-vip (the default) `host` is the virtual IP address kube-vip
   * holds, a free address in the nodes' network; with an external load balancer, the balancer's address.
   * Required: nothing else gives a vSphere cluster its endpoint.
   */
  readonly controlPlaneEndpoint: { readonly host: string; readonly port?: number };
  /**
   * What holds the endpoint: `'kube-vip'` (a static pod on every control-plane machine, as CAPV's
   * default template does) or `'external'` (a load balancer you run; CAPV's
   * external-loadbalancer template).
   * @default 'kube-vip'
   */
  readonly controlPlaneLoadBalancer?: 'kube-vip' | 'external';
  /** kube-vip settings (image, interface); only with `controlPlaneLoadBalancer: 'kube-vip'`. @default see KubeVipProps */
  readonly kubeVip?: KubeVipProps;
  /** Turn off vSphere cluster modules (anti-affinity). @default false */
  readonly disableClusterModule?: boolean;
  /**
   * The failure domains the control plane spreads over (docs/day-2.md, "Failure domains"). Each entry
   * with a `region`, `zone` and `topology` emits a cluster-scoped VSphereFailureDomain and
   * VSphereDeploymentZone of its name; an entry with `name` alone selects a zone defined elsewhere
   * (by another cluster of the fleet, or by hand with the label `capi-constructs.io/vsphere-deployment-zone: <name>`).
   * The VSphereCluster selects them all (`failureDomainSelector`), CAPV reports them in the Cluster's
   * `status.failureDomains`, the KubeadmControlPlane spreads its machines over those marked
   * `controlPlane`, and a WorkerGroup's `failureDomains` must name some of them.
   * @default none: no failure domains; the machines go where their template puts them
   */
  readonly failureDomains?: readonly VSphereFailureDomainProps[];
}

/** A vSphere tag that marks a region or zone (`region`/`zone` of a VSphereFailureDomain). */
export interface VSphereFailureDomainTag {
  /** The tag's name, e.g. `zone-a`. */
  readonly name: string;
  /** The tag category, e.g. `k8s-zone`. */
  readonly tagCategory: string;
  /** The vSphere object the tag is attached to. A region cannot be a HostGroup (CAPV's webhook). */
  readonly type: 'Datacenter' | 'ComputeCluster' | 'HostGroup';
}

/**
 * One vSphere failure domain of a {@link VSphereCluster}: a CAPV VSphereFailureDomain (where: region and
 * zone tags, datacenter, compute cluster, host group, datastore, networks) and the VSphereDeploymentZone
 * that places machines in it (resource pool, folder, whether the control plane may go there).
 * Both are cluster-scoped and named `name`, which is also the failure domain's name in the Cluster's status.
 */
export interface VSphereFailureDomainProps {
  /** Name of the failure domain (and of its VSphereFailureDomain and VSphereDeploymentZone). Required. */
  readonly name: string;
  /** The region tag. Required unless the entry only selects a zone defined elsewhere (`name` alone). */
  readonly region?: VSphereFailureDomainTag;
  /** The zone tag. Required with `region`. */
  readonly zone?: VSphereFailureDomainTag;
  /** Where in vCenter the domain's machines go. Required with `region`. */
  readonly topology?: {
    /** Datacenter name or inventory path. Required. */
    readonly datacenter: string;
    /** Compute cluster; required when the region or zone is of type ComputeCluster, or with `hosts`. @default none */
    readonly computeCluster?: string;
    /** VM and host group of a HostGroup zone (a VM-host affinity rule); required for a HostGroup zone. @default none */
    readonly hosts?: { readonly vmGroupName: string; readonly hostGroupName: string };
    /** Datastore the machines' disks go to. @default the machine template's */
    readonly datastore?: string;
    /** Networks that replace the machine template's, device by device. @default the machine template's */
    readonly networks?: readonly string[];
  };
  /** Resource pool of the deployment zone (`placementConstraint.resourcePool`). @default the template's */
  readonly resourcePool?: string;
  /** VM folder of the deployment zone (`placementConstraint.folder`). @default the template's */
  readonly folder?: string;
  /** Whether control-plane machines may go to this domain. @default true */
  readonly controlPlane?: boolean;
}

const FAILURE_DOMAIN_PROPS = propKeys<VSphereFailureDomainProps>()('VSphereFailureDomainProps', {
  name: true, region: true, zone: true, topology: true, resourcePool: true, folder: true, controlPlane: true,
});
const FAILURE_DOMAIN_TAG_PROPS = propKeys<VSphereFailureDomainTag>()('VSphereFailureDomainTag', { name: true, tagCategory: true, type: true });
const TOPOLOGY_PROPS = propKeys<NonNullable<VSphereFailureDomainProps['topology']>>()('topology', {
  datacenter: true, computeCluster: true, hosts: true, datastore: true, networks: true,
});
const HOSTS_PROPS = propKeys<NonNullable<NonNullable<VSphereFailureDomainProps['topology']>['hosts']>>()('hosts', { vmGroupName: true, hostGroupName: true });

function checkFailureDomainTag(p: Problems, path: string, value: unknown, region: boolean): VSphereFailureDomainTag | undefined {
  if (value === undefined) {
    p.error(path, `is required: the vSphere tag (name, tagCategory, type) that marks the failure domain's ${region ? 'region' : 'zone'}`);
    return undefined;
  }
  if (!checkObject(p, path, value)) return undefined;
  checkPropKeys(p, path, value, FAILURE_DOMAIN_TAG_PROPS);
  const name = reqString(p, `${path}.name`, value.name, 1024);
  const tagCategory = reqString(p, `${path}.tagCategory`, value.tagCategory, 1024);
  const type = value.type === undefined
    ? (p.error(`${path}.type`, 'is required: Datacenter, ComputeCluster or HostGroup'), undefined)
    : checkEnum(p, `${path}.type`, value.type, ['Datacenter', 'ComputeCluster', 'HostGroup'] as const);
  if (region && type === 'HostGroup') {
    p.error(`${path}.type`, '"HostGroup" cannot be a region\'s type (CAPV\'s VSphereFailureDomain webhook): use Datacenter or ComputeCluster');
  }
  return name && tagCategory && type ? { name, tagCategory, type } : undefined;
}

/** A checked failure domain: its name, and the two objects' specs when the entry defines them. */
interface ResolvedVSphereFailureDomain {
  readonly name: string;
  readonly failureDomain?: Record<string, unknown>;
  readonly deploymentZone?: Record<string, unknown>;
}

function checkFailureDomains(p: Problems, value: unknown, server: string | undefined, v2: boolean): ResolvedVSphereFailureDomain[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    p.error('failureDomains', `must be a non-empty list of failure domains ({ name, region, zone, topology, ... }), got ${show(value)}`);
    return undefined;
  }
  const out: ResolvedVSphereFailureDomain[] = [];
  const seen = new Map<string, number>();
  value.forEach((fd: unknown, i: number) => {
    const path = `failureDomains[${i}]`;
    if (!checkObject(p, path, fd)) return;
    checkPropKeys(p, path, fd, FAILURE_DOMAIN_PROPS);
    const name = checkObjectName(p, `${path}.name`, fd.name, true);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) p.error(`${path}.name`, `${show(name)} is already failureDomains[${first}]: each failure domain is listed once`);
      else seen.set(name, i);
    }
    const defines = fd.region !== undefined || fd.zone !== undefined || fd.topology !== undefined
      || fd.resourcePool !== undefined || fd.folder !== undefined || fd.controlPlane !== undefined;
    if (!defines) {
      if (name !== undefined) out.push({ name });
      return;
    }
    const region = checkFailureDomainTag(p, `${path}.region`, fd.region, true);
    const zone = checkFailureDomainTag(p, `${path}.zone`, fd.zone, false);
    let topology: Record<string, unknown> | undefined;
    const t = fd.topology;
    if (t === undefined) p.error(`${path}.topology`, 'is required: the datacenter (and compute cluster, hosts, datastore, networks) of the failure domain');
    else if (checkObject(p, `${path}.topology`, t)) {
      checkPropKeys(p, `${path}.topology`, t, TOPOLOGY_PROPS);
      const computeCluster = optString(p, `${path}.topology.computeCluster`, t.computeCluster, 2048);
      let hosts: Record<string, string> | undefined;
      if (t.hosts !== undefined && checkObject(p, `${path}.topology.hosts`, t.hosts)) {
        checkPropKeys(p, `${path}.topology.hosts`, t.hosts, HOSTS_PROPS);
        const vmGroupName = reqString(p, `${path}.topology.hosts.vmGroupName`, t.hosts.vmGroupName, 2048);
        const hostGroupName = reqString(p, `${path}.topology.hosts.hostGroupName`, t.hosts.hostGroupName, 2048);
        if (vmGroupName && hostGroupName) hosts = { vmGroupName, hostGroupName };
      }
      // The create-time rules of CAPV's VSphereFailureDomain webhook (v1.16).
      if (t.computeCluster === undefined) {
        if (t.hosts !== undefined) p.error(`${path}.topology.computeCluster`, 'is required with topology.hosts: a host group lives in a compute cluster (CAPV\'s VSphereFailureDomain webhook)');
        for (const [which, tag] of [['region', region], ['zone', zone]] as const) {
          if (tag?.type === 'ComputeCluster') p.error(`${path}.topology.computeCluster`, `is required: the ${which}'s type is ComputeCluster (CAPV's VSphereFailureDomain webhook)`);
        }
      }
      if (zone?.type === 'HostGroup' && t.hosts === undefined) {
        p.error(`${path}.topology.hosts`, 'is required: the zone\'s type is HostGroup, which places machines by a VM and host group (CAPV\'s VSphereFailureDomain webhook)');
      }
      topology = {
        datacenter: reqString(p, `${path}.topology.datacenter`, t.datacenter, 2048),
        computeCluster,
        hosts,
        datastore: optString(p, `${path}.topology.datastore`, t.datastore, 2048),
        networks: optStringList(p, `${path}.topology.networks`, t.networks, { maxItems: 128, maxLength: 2048 }),
      };
    }
    const resourcePool = optString(p, `${path}.resourcePool`, fd.resourcePool, 2048);
    const folder = optString(p, `${path}.folder`, fd.folder, 2048);
    if (!v2 && resourcePool === undefined && folder === undefined) {
      p.error(`${path}.resourcePool`, 'is required for version v1beta1 (set resourcePool or folder): CAPV\'s v1beta1 VSphereDeploymentZone requires a placementConstraint');
    }
    const controlPlane = optBool(p, `${path}.controlPlane`, fd.controlPlane) ?? true;
    if (name === undefined) return;
    out.push({
      name,
      failureDomain: { region, zone, topology },
      deploymentZone: { server, failureDomain: name, controlPlane, placementConstraint: { resourcePool, folder } },
    });
  });
  if (out.length > 0 && !value.some((fd) => fd && typeof fd === 'object' && (fd as VSphereFailureDomainProps).controlPlane !== false)) {
    p.warn('failureDomains', 'no failure domain has controlPlane: the control plane is not spread (CAPV reports none for it)');
  }
  return out;
}

const VSPHERE_CLUSTER_KEYS = propKeys<VSphereClusterProps>()('VSphereClusterProps', {
  version: true, name: true, server: true, thumbprint: true, identityRef: true, controlPlaneEndpoint: true, controlPlaneLoadBalancer: true,
  kubeVip: true, disableClusterModule: true, failureDomains: true,
});

/** The VSphereCluster object, passed as `infrastructure` of a Cluster, which emits it. */
export class VSphereCluster implements InfrastructureCluster {
  public readonly apiGroup = INFRASTRUCTURE_GROUP;
  public readonly version: VSphereVersion;
  public readonly kind = 'VSphereCluster';
  public readonly name?: string;
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly warnings: readonly Warning[];
  /** CAPV's node bootstrap: external cloud provider, containerd socket, hostname commands, and kube-vip unless external. */
  public readonly bootstrap: ProviderBootstrap;
  /** The failure domains (VSphereDeploymentZone names) this cluster selects, in the order given. @default none */
  public readonly failureDomains?: readonly string[];
  /** The cluster-scoped VSphereFailureDomain and VSphereDeploymentZone objects of `failureDomains`, which the Cluster emits. */
  public readonly objects: readonly Manifest[];

  constructor(props: VSphereClusterProps) {
    const p = new Problems('VSphereCluster');
    if (!checkProps(p, props)) p.throwIfErrors();
    checkKnownKeys(p, props, VSPHERE_CLUSTER_KEYS, 'reference a VSphereClusterIdentity or Secret with identityRef');
    const version = checkVersion(p, 'version', props.version, VSPHERE_VERSIONS, 'v1beta2');
    const server = reqString(p, 'server', props.server, 1024);
    const thumbprint = optString(p, 'thumbprint', props.thumbprint, 1024);
    let identityRef: Record<string, string> | undefined;
    if (props.identityRef !== undefined && checkObject(p, 'identityRef', props.identityRef)) {
      checkPropKeys(p, 'identityRef', props.identityRef, IDENTITY_REF_PROPS);
      const kind = checkEnum(p, 'identityRef.kind', props.identityRef.kind, ['VSphereClusterIdentity', 'Secret'] as const);
      const name = checkObjectName(p, 'identityRef.name', props.identityRef.name, true);
      if (kind && name) identityRef = { kind, name };
    }
    const lb = props.controlPlaneLoadBalancer === undefined ? 'kube-vip' : checkEnum(p, 'controlPlaneLoadBalancer', props.controlPlaneLoadBalancer, ['kube-vip', 'external'] as const);
    let endpoint: { host?: string; port?: number } | undefined;
    const ep = props.controlPlaneEndpoint;
    if (ep === undefined) {
      p.error('controlPlaneEndpoint', lb === 'external'
        ? 'is required: the address of the load balancer in front of the API servers (nothing in vSphere provides one)'
        : 'is required: the virtual IP kube-vip holds for the API servers, a free address in the nodes\' network (nothing in vSphere provides an endpoint)');
    } else if (checkObject(p, 'controlPlaneEndpoint', ep)) {
      checkPropKeys(p, 'controlPlaneEndpoint', ep, ENDPOINT_PROPS);
      endpoint = { host: reqString(p, 'controlPlaneEndpoint.host', ep.host, 512), port: ep.port === undefined ? 6443 : optInt(p, 'controlPlaneEndpoint.port', ep.port, 1, 65535) };
      if (lb === 'kube-vip' && endpoint.host !== undefined && isIP(endpoint.host) === 0) {
        p.error('controlPlaneEndpoint.host', `${show(endpoint.host)} is not an IP address: kube-vip announces the endpoint by ARP and needs the virtual IP itself (use controlPlaneLoadBalancer: 'external' for a load balancer's DNS name)`);
      }
    }
    if (lb === 'external' && props.kubeVip !== undefined) p.error('kubeVip', 'applies only with controlPlaneLoadBalancer \'kube-vip\', not \'external\'');
    const kubeVip = lb === 'kube-vip' ? checkKubeVip(p, 'kubeVip', props.kubeVip) : undefined;
    const name = props.name === undefined ? undefined : checkObjectName(p, 'name', props.name, true);
    const disableClusterModule = optBool(p, 'disableClusterModule', props.disableClusterModule);
    const domains = checkFailureDomains(p, props.failureDomains, server, version !== 'v1beta1');
    p.throwIfErrors();
    this.version = version!;
    this.name = name;
    const apiVersion = `${INFRASTRUCTURE_GROUP}/${this.version}`;
    const failureDomainSelector = domains && {
      matchExpressions: [{ key: LABEL_VSPHERE_DEPLOYMENT_ZONE, operator: 'In', values: domains.map((d) => d.name) }],
    };
    this.spec = compact({ server, thumbprint, identityRef, controlPlaneEndpoint: endpoint, disableClusterModule: disableClusterModule || undefined, failureDomainSelector });
    this.failureDomains = domains?.map((d) => d.name);
    this.objects = (domains ?? []).filter((d) => d.failureDomain).flatMap((d) => {
      const metadata = { name: d.name, labels: { [LABEL_VSPHERE_DEPLOYMENT_ZONE]: d.name } };
      return [
        compact({ apiVersion, kind: 'VSphereFailureDomain', metadata, spec: d.failureDomain }) as Manifest,
        compact({ apiVersion, kind: 'VSphereDeploymentZone', metadata, spec: d.deploymentZone }) as Manifest,
      ];
    });
    this.bootstrap = ProviderBootstrap.vsphere(kubeVip ? { kubeVip: { address: endpoint!.host!, port: endpoint!.port!, ...kubeVip } } : {});
    this.warnings = p.warnings;
  }
}
