/**
 * OpenStack (Cluster API Provider OpenStack, CAPO): OpenStackMachineTemplate and OpenStackCluster,
 * group `infrastructure.cluster.x-k8s.io`.
 *
 * Versions: v1beta1 by default (the only version of the stable CAPO 0.14 line, still served by 0.15);
 * v1beta2 for CAPO 0.15+. Field paths follow the CRDs of CAPO v0.14.7 and v0.15.0-beta.0:
 * - flavor: v1beta1 `flavor: <name>` / `flavorID: <id>`; v1beta2 `flavor: {filter: {name}}` / `flavor: {id}`;
 * - image: exactly one of `image.filter{name, tags}`, `image.id` (a UUID), `image.imageRef{name}`;
 * - rootVolume: `{sizeGiB >= 1, type, availabilityZone{name} or {from: Machine}}` (boot from volume);
 * - identityRef: `{type: Secret|ClusterIdentity, name, cloudName, region}`. Credentials never appear
 *   in a manifest: clouds.yaml stays in a Secret (key `clouds.yaml`) referenced by name.
 * OpenStackMachineTemplate has no `spec.template.metadata`. The template spec is immutable in CAPO.
 */
import { INFRASTRUCTURE_GROUP } from '../output/api-versions';
import { checkCidr } from '../rules/cidr';
import { InfrastructureCluster } from '../cluster/cluster';
import { ProblemReporter, Problems, show, Warning } from '../rules/errors';
import { MachineRole, MachineTemplate } from '../nodes/machine-template';
import { compact } from '../output/manifest';
import { ProviderBootstrap } from '../kubeadm/provider-bootstrap';
import { checkEnum, checkObject, checkProps } from '../rules/validation';
import {
  checkAdditionalFields, checkKnownKeys, checkObjectName, checkVersion, MachineTemplateObject, mergeOverrides, optBool, optInt,
  optString, optStringList, propPathOf, readTemplateObject, reqString, takeRest, UUID,
} from './common';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkOpenStackMachineSpec } from './openstack-rules';
import { checkSecurityGroupRules, OpenStackSecurityGroupRule } from './openstack-security-group-rules';

/** An OpenStack provider (CAPO) API version. */
export type OpenStackVersion = 'v1beta1' | 'v1beta2';
/** The OpenStackMachineTemplate/OpenStackCluster versions the library emits (CAPO v1beta1, and v1beta2 from CAPO 0.15). */
export const OPENSTACK_VERSIONS: readonly OpenStackVersion[] = ['v1beta1', 'v1beta2'];

const CREDENTIAL_HINT = 'put clouds.yaml in a Secret (key "clouds.yaml") and pass its name as secretName, with cloudName naming the entry';

/** The image to boot: exactly one of `name` (with optional `tags`), `id` or `imageRef`. */
export interface OpenStackImage {
  /** Glance image name; the filter must match exactly one image. */
  readonly name?: string;
  /** Glance tags the image must carry (with or without `name`). */
  readonly tags?: readonly string[];
  /** Glance image UUID. */
  readonly id?: string;
  /** Name of an ORC `Image` object in the cluster's namespace. */
  readonly imageRef?: string;
}

/** Boot from a Cinder volume instead of the flavor's ephemeral disk. */
export interface OpenStackRootVolume {
  /** Size of the root volume in GiB (seed: "Объем диска, Гб"). */
  readonly sizeGiB: number;
  /** Cinder volume type (seed: volumeType). @default the cloud's default volume type */
  readonly volumeType?: string;
  /**
   * Availability zone of the volume: a zone's name, or `{ from: 'Machine' }` for the zone of the Machine
   * (its failure domain), so that a group spread over zones boots each server from a volume in its own zone.
   * @default the cloud's default
   */
  readonly availabilityZone?: string | { readonly from: 'Machine' };
}

/** Props of an {@link OpenStackMachineTemplate} (OpenStack servers: flavor, image, volumes, ports). */
export interface OpenStackMachineTemplateProps {
  /**
   * CAPO API version to emit: v1beta1 for CAPO 0.14 (and 0.15), v1beta2 for CAPO 0.15+.
   * @default 'v1beta1'
   */
  readonly version?: OpenStackVersion;
  /** Flavor name (seed: "flavor (типы ВМ)"). Exactly one of `flavor` and `flavorId` is required. */
  readonly flavor?: string;
  /** Flavor ID, instead of `flavor`. */
  readonly flavorId?: string;
  /** Image (seed: "Шаблон ВМ"): a Glance image name, or an {@link OpenStackImage}. Required. */
  readonly image: string | OpenStackImage;
  /** Nova keypair to inject. @default none */
  readonly sshKeyName?: string;
  /** Boot from a volume of this size and type. @default none: the flavor's ephemeral root disk */
  readonly rootVolume?: OpenStackRootVolume;
  /**
   * Entry of clouds.yaml to use (seed: cloudName). Needs `secretName`.
   * @default the OpenStackCluster's identityRef
   */
  readonly cloudName?: string;
  /** Name of the Secret (key `clouds.yaml`) or OpenStackClusterIdentity holding the credentials. Needs `cloudName`. @default the OpenStackCluster's */
  readonly secretName?: string;
  /** What `secretName` names. @default 'Secret' */
  readonly identityType?: 'Secret' | 'ClusterIdentity';
  /** Region, overriding the one in clouds.yaml. @default the clouds.yaml entry's */
  readonly region?: string;
  /** Security groups by name, in addition to the cluster's managed ones. @default none */
  readonly securityGroups?: readonly string[];
  /** Nova server tags. @default none */
  readonly tags?: readonly string[];
  /** @default false */
  readonly configDrive?: boolean;
  /**
   * Other `spec.template.spec` fields of the chosen version (e.g. `ports`, `serverGroup`), emitted
   * verbatim. Checked only against CAPO's OpenStackMachine create-time rules (root device, port
   * security: lib/core/providers/openstack-rules.ts). @default none
   */
  readonly additionalFields?: Record<string, unknown>;
}

/** Props changed when an OpenStack template is copied with `OpenStackMachineTemplate.from`. */
export type OpenStackMachineTemplateOverrides = Partial<OpenStackMachineTemplateProps>;

const KNOWN = propKeys<OpenStackMachineTemplateProps>()('OpenStackMachineTemplateProps', {
  version: true, flavor: true, flavorId: true, image: true, sshKeyName: true, rootVolume: true, cloudName: true, secretName: true, identityType: true, region: true, securityGroups: true, tags: true, configDrive: true, additionalFields: true,
});
const TYPED_FIELDS = ['flavor', 'flavorID', 'image', 'sshKeyName', 'rootVolume', 'identityRef', 'securityGroups', 'tags', 'configDrive'];
const FORBIDDEN = { providerID: 'providerID cannot be set in templates: CAPO rejects it (each machine gets its own)' };

interface Identity { type: 'Secret' | 'ClusterIdentity'; name: string; cloudName: string; region?: string }

/** identityRef from cloudName + secretName (+ type, region): both or neither. */
function checkIdentity(
  p: Problems, props: { cloudName?: unknown; secretName?: unknown; identityType?: unknown; region?: unknown }, required: boolean,
): Identity | undefined {
  const given = props.cloudName !== undefined || props.secretName !== undefined;
  if (!given && !required) {
    for (const k of ['identityType', 'region'] as const) if (props[k] !== undefined) p.error(k, 'needs cloudName and secretName (it is part of identityRef)');
    return undefined;
  }
  const cloudName = reqString(p, 'cloudName', props.cloudName);
  if (props.secretName === undefined) p.error('secretName', `is required with cloudName: name the Secret holding clouds.yaml (${CREDENTIAL_HINT})`);
  const name = props.secretName === undefined ? undefined : checkObjectName(p, 'secretName', props.secretName, true);
  const type = props.identityType === undefined ? 'Secret' : checkEnum(p, 'identityType', props.identityType, ['Secret', 'ClusterIdentity'] as const);
  const region = optString(p, 'region', props.region);
  return cloudName && name && type ? { type, name, cloudName, region } : undefined;
}

const IMAGE_PROPS = propKeys<OpenStackImage>()('OpenStackImage', { name: true, tags: true, id: true, imageRef: true });
const ROOT_VOLUME_PROPS = propKeys<OpenStackRootVolume>()('OpenStackRootVolume', { sizeGiB: true, volumeType: true, availabilityZone: true });

function checkImage(p: Problems, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') {
    p.error('image', 'is required: a Glance image name, or { name, tags } / { id } / { imageRef }');
    return undefined;
  }
  if (typeof value === 'string') return { filter: { name: value } };
  if (!checkObject(p, 'image', value)) return undefined;
  checkPropKeys(p, 'image', value, IMAGE_PROPS);
  const byFilter = value.name !== undefined || value.tags !== undefined;
  const chosen = [byFilter && 'name/tags', value.id !== undefined && 'id', value.imageRef !== undefined && 'imageRef'].filter(Boolean);
  if (chosen.length !== 1) {
    p.error('image', `set exactly one of name (with optional tags), id or imageRef; got ${chosen.length === 0 ? 'none' : chosen.join(' and ')}`);
    return undefined;
  }
  if (byFilter) {
    const name = optString(p, 'image.name', value.name);
    const tags = optStringList(p, 'image.tags', value.tags);
    if (value.tags !== undefined && !tags) p.error('image.tags', 'must not be empty');
    return { filter: { name, tags } };
  }
  if (value.id !== undefined) {
    if (typeof value.id !== 'string' || !UUID.test(value.id)) {
      p.error('image.id', `${show(value.id)} is not a UUID: CAPO expects the Glance image ID (use name to select by name)`);
      return undefined;
    }
    return { id: value.id };
  }
  const ref = optString(p, 'image.imageRef', value.imageRef);
  return ref ? { imageRef: { name: ref } } : undefined;
}

/**
 * An OpenStack machine template (CAPO `OpenStackMachineTemplate`), usable as the `machineTemplate` of
 * a ControlPlaneGroup or WorkerGroup. Validated when built; throws ValidationError with every problem.
 */
export class OpenStackMachineTemplate implements MachineTemplate {
  /**
   * A copy of `existing` with `overrides` applied. `existing` is an OpenStackMachineTemplate value or
   * an OpenStackMachineTemplate object read from a cluster (v1beta1 or v1beta2).
   */
  static from(existing: OpenStackMachineTemplate | MachineTemplateObject, overrides?: OpenStackMachineTemplateOverrides): OpenStackMachineTemplate {
    const base = existing instanceof OpenStackMachineTemplate ? existing.props : propsFromObject(existing);
    return new OpenStackMachineTemplate(mergeOverrides('OpenStackMachineTemplate', base, overrides, [['flavor', 'flavorId']]));
  }

  public readonly apiGroup = INFRASTRUCTURE_GROUP;
  public readonly version: OpenStackVersion;
  public readonly kind = 'OpenStackMachineTemplate';
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly warnings: readonly Warning[];
  public readonly props: Readonly<OpenStackMachineTemplateProps>;
  /** The Glance image name, where the image is chosen by name. */
  public readonly imageName?: string;

  constructor(props: OpenStackMachineTemplateProps) {
    const p = new Problems('OpenStackMachineTemplate');
    if (!checkProps(p, props)) p.throwIfErrors();
    checkKnownKeys(p, props, KNOWN, CREDENTIAL_HINT);
    const version = checkVersion(p, 'version', props.version, OPENSTACK_VERSIONS, 'v1beta1');
    let flavor: unknown;
    if (props.flavor !== undefined && props.flavorId !== undefined) {
      p.error('flavorId', 'set either flavor (a name) or flavorId, not both');
    } else if (props.flavor === undefined && props.flavorId === undefined) {
      p.error('flavor', 'is required: set flavor (a flavor name) or flavorId');
    } else if (props.flavor !== undefined) {
      const name = optString(p, 'flavor', props.flavor);
      flavor = name && (version === 'v1beta2' ? { flavor: { filter: { name } } } : { flavor: name });
    } else {
      const id = optString(p, 'flavorId', props.flavorId);
      flavor = id && (version === 'v1beta2' ? { flavor: { id } } : { flavorID: id });
    }
    const image = checkImage(p, props.image);
    let rootVolume: Record<string, unknown> | undefined;
    const rv = props.rootVolume;
    if (rv !== undefined && checkObject(p, 'rootVolume', rv)) {
      checkPropKeys(p, 'rootVolume', rv, ROOT_VOLUME_PROPS);
      if (rv.sizeGiB === undefined) p.error('rootVolume.sizeGiB', 'is required: the size of the root volume in GiB');
      const fromMachine = rv.availabilityZone !== null && typeof rv.availabilityZone === 'object';
      if (fromMachine && (Array.isArray(rv.availabilityZone) || Object.keys(rv.availabilityZone).length !== 1 || (rv.availabilityZone as { from?: unknown }).from !== 'Machine')) {
        p.error('rootVolume.availabilityZone', `must be a zone name or { from: 'Machine' } (the Machine's failure domain), got ${show(rv.availabilityZone)}`);
      }
      const az = fromMachine ? undefined : optString(p, 'rootVolume.availabilityZone', rv.availabilityZone);
      if (az !== undefined && /\s/.test(az)) p.error('rootVolume.availabilityZone', `${show(az)} must not contain spaces`);
      rootVolume = {
        sizeGiB: rv.sizeGiB === undefined ? undefined : optInt(p, 'rootVolume.sizeGiB', rv.sizeGiB, 1),
        type: optString(p, 'rootVolume.volumeType', rv.volumeType),
        availabilityZone: fromMachine ? { from: 'Machine' } : az && { name: az },
      };
    }
    const identity = checkIdentity(p, props, false);
    const securityGroups = optStringList(p, 'securityGroups', props.securityGroups);
    const extra = checkAdditionalFields(p, 'additionalFields', props.additionalFields, TYPED_FIELDS, FORBIDDEN);
    const fields = {
      ...(flavor as Record<string, unknown> | undefined),
      image,
      sshKeyName: optString(p, 'sshKeyName', props.sshKeyName),
      rootVolume,
      identityRef: identity && { type: identity.type, name: identity.name, cloudName: identity.cloudName, region: identity.region },
      securityGroups: securityGroups?.map((name) => ({ filter: { name } })),
      tags: optStringList(p, 'tags', props.tags),
      configDrive: optBool(p, 'configDrive', props.configDrive),
    };
    checkOpenStackMachineSpec(p, { ...extra, ...fields }, propPathOf(TYPED_FIELDS));
    p.throwIfErrors();
    this.version = version!;
    this.spec = compact({ ...extra, ...fields });
    this.warnings = p.warnings;
    this.props = Object.freeze({ ...props });
    this.imageName = typeof props.image === 'string' ? props.image : props.image.name;
  }

  /** Flavors are named, not sized: nothing to check per role. */
  validateFor(_role: MachineRole, _problems: ProblemReporter, _path: string): void {
    // CPU and RAM come from the flavor, which only the cloud knows.
  }
}

/** Maps an OpenStackMachineTemplate object's `spec.template.spec` (v1beta1 or v1beta2) back to props. */
function propsFromObject(existing: unknown): OpenStackMachineTemplateProps {
  const o = readTemplateObject('OpenStackMachineTemplate', existing, ['OpenStackMachineTemplate']);
  const s = o.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const props: Record<string, unknown> = { version: o.version };
  if (typeof s.flavor === 'string') props.flavor = s.flavor;
  else if (s.flavor?.filter?.name !== undefined) props.flavor = s.flavor.filter.name;
  else if (s.flavor?.id !== undefined) props.flavorId = s.flavor.id;
  if (s.flavorID !== undefined) props.flavorId = s.flavorID;
  if (s.image?.filter) props.image = { name: s.image.filter.name, tags: s.image.filter.tags };
  else if (s.image?.id !== undefined) props.image = { id: s.image.id };
  else if (s.image?.imageRef) props.image = { imageRef: s.image.imageRef.name };
  else props.image = s.image;
  if (s.sshKeyName !== undefined) props.sshKeyName = s.sshKeyName;
  if (s.rootVolume) props.rootVolume = { sizeGiB: s.rootVolume.sizeGiB, volumeType: s.rootVolume.type, availabilityZone: s.rootVolume.availabilityZone?.from === 'Machine' ? { from: 'Machine' } : s.rootVolume.availabilityZone?.name };
  if (s.identityRef) {
    props.cloudName = s.identityRef.cloudName;
    props.secretName = s.identityRef.name;
    if (s.identityRef.type !== undefined && s.identityRef.type !== 'Secret') props.identityType = s.identityRef.type;
    if (s.identityRef.region !== undefined) props.region = s.identityRef.region;
  }
  const rest = takeRest(s, ['flavor', 'flavorID', 'image', 'sshKeyName', 'rootVolume', 'identityRef', 'providerID']) ?? {};
  // Security groups by name map back to the typed prop; others stay verbatim.
  if (Array.isArray(s.securityGroups) && s.securityGroups.every((g: any) => g?.filter && Object.keys(g.filter).length === 1 && typeof g.filter.name === 'string')) { // eslint-disable-line @typescript-eslint/no-explicit-any
    props.securityGroups = s.securityGroups.map((g: { filter: { name: string } }) => g.filter.name);
    delete rest.securityGroups;
  }
  for (const k of ['tags', 'configDrive']) {
    if (rest[k] !== undefined) {
      props[k] = rest[k];
      delete rest[k];
    }
  }
  if (Object.keys(rest).length > 0) props.additionalFields = rest;
  return props as unknown as OpenStackMachineTemplateProps;
}

/** Props of an {@link OpenStackCluster}: cloud credentials by reference, networks, load balancer and security groups. */
export interface OpenStackClusterProps {
  /** CAPO API version. @default 'v1beta1' */
  readonly version?: OpenStackVersion;
  /** Name of the OpenStackCluster object. @default the Cluster's name */
  readonly name?: string;
  /** Entry of clouds.yaml to use. Required. */
  readonly cloudName: string;
  /** Name of the Secret (key `clouds.yaml`) or OpenStackClusterIdentity with the credentials. Required. */
  readonly secretName: string;
  /** What `secretName` names. @default 'Secret' */
  readonly identityType?: 'Secret' | 'ClusterIdentity';
  /** Region, overriding the one in clouds.yaml. @default the clouds.yaml entry's */
  readonly region?: string;
  /** External network for floating IPs and the router: a name, or `{ id }`. @default the only external network, if there is one */
  readonly externalNetwork?: string | { readonly id: string };
  /** An existing network for the nodes: a name, or `{ id }`. @default none: CAPO creates one from managedSubnets */
  readonly network?: string | { readonly id: string };
  /** The subnet CAPO creates (at most one). @default none */
  readonly managedSubnets?: readonly { readonly cidr: string; readonly dnsNameservers?: readonly string[] }[];
  /**
   * Let CAPO manage security groups; `allowAllInClusterTraffic` opens all traffic between nodes,
   * `allNodesSecurityGroupRules` opens chosen traffic between all nodes (e.g. `CALICO_SECURITY_GROUP_RULES`;
   * emitted as `clusterNodesSecurityGroupRules` for v1beta2).
   * @default unmanaged
   */
  readonly managedSecurityGroups?: boolean | {
    readonly allowAllInClusterTraffic?: boolean;
    readonly allNodesSecurityGroupRules?: readonly OpenStackSecurityGroupRule[];
  };
  /** Put an Octavia load balancer in front of the API servers. @default false */
  readonly apiServerLoadBalancer?: boolean;
  /** Give the API server a floating IP. @default true */
  readonly apiServerFloatingIP?: boolean;
  /** @default none (CAPO fills it from the load balancer or floating IP) */
  readonly controlPlaneEndpoint?: { readonly host: string; readonly port?: number };
  /**
   * The Nova availability zones the control plane spreads over (`controlPlaneAvailabilityZones`). CAPO
   * reports every zone of the cloud in the Cluster's `status.failureDomains` and marks these for the
   * control plane; the KubeadmControlPlane spreads its machines over them. Worker groups name zones in
   * their own `failureDomains`.
   * @default every availability zone of the cloud
   */
  readonly controlPlaneAvailabilityZones?: readonly string[];
  /**
   * Create the control-plane servers without an availability zone, leaving the choice to Nova's
   * scheduler (`controlPlaneOmitAvailabilityZone`). Exclusive with `controlPlaneAvailabilityZones`.
   * @default false
   */
  readonly controlPlaneOmitAvailabilityZone?: boolean;
}

/** A list of Nova availability zone names: non-empty, no whitespace, each once (the CRD's list is a set). */
function checkAvailabilityZones(p: Problems, path: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    p.error(path, `must be a non-empty list of availability zone names, got ${show(value)}`);
    return undefined;
  }
  const before = p.errors.length;
  const seen = new Set<string>();
  value.forEach((z: unknown, i) => {
    if (typeof z !== 'string' || z === '' || /\s/.test(z)) {
      p.error(`${path}[${i}]`, `${show(z)} is not an availability zone name: a non-empty string without whitespace`);
    } else if (seen.has(z)) {
      p.error(`${path}[${i}]`, `${show(z)} is listed twice: the field is a set, and the API server rejects duplicates`);
    } else seen.add(z);
  });
  return p.errors.length > before ? undefined : [...value] as string[];
}

function networkRef(p: Problems, path: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return { filter: { name: value } };
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { id?: unknown }).id === 'string') {
    const id = (value as { id: string }).id;
    if (UUID.test(id)) return { id };
  }
  p.error(path, `must be a network name or { id: <UUID> }, got ${show(value)}`);
  return undefined;
}

const OPENSTACK_CLUSTER_KEYS = propKeys<OpenStackClusterProps>()('OpenStackClusterProps', {
  version: true, name: true, cloudName: true, secretName: true, identityType: true, region: true, externalNetwork: true, network: true,
  managedSubnets: true, managedSecurityGroups: true, apiServerLoadBalancer: true, apiServerFloatingIP: true, controlPlaneEndpoint: true,
  controlPlaneAvailabilityZones: true, controlPlaneOmitAvailabilityZone: true,
});
const SUBNET_PROPS = propKeys<NonNullable<OpenStackClusterProps['managedSubnets']>[number]>()('managedSubnets[]', { cidr: true, dnsNameservers: true });
const SECURITY_GROUPS_PROPS = propKeys<Exclude<NonNullable<OpenStackClusterProps['managedSecurityGroups']>, boolean>>()('managedSecurityGroups', { allowAllInClusterTraffic: true, allNodesSecurityGroupRules: true });
const ENDPOINT_PROPS = propKeys<NonNullable<OpenStackClusterProps['controlPlaneEndpoint']>>()('controlPlaneEndpoint', { host: true, port: true });

/** The OpenStackCluster object, passed as `infrastructure` of a Cluster, which emits it. */
export class OpenStackCluster implements InfrastructureCluster {
  public readonly apiGroup = INFRASTRUCTURE_GROUP;
  public readonly version: OpenStackVersion;
  public readonly kind = 'OpenStackCluster';
  public readonly name?: string;
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly warnings: readonly Warning[];
  /** CAPO's node bootstrap: external cloud provider, provider ID from the Nova instance, node named after the host. */
  public readonly bootstrap: ProviderBootstrap = ProviderBootstrap.openstack();

  constructor(props: OpenStackClusterProps) {
    const p = new Problems('OpenStackCluster');
    if (!checkProps(p, props)) p.throwIfErrors();
    checkKnownKeys(p, props, OPENSTACK_CLUSTER_KEYS, CREDENTIAL_HINT);
    const version = checkVersion(p, 'version', props.version, OPENSTACK_VERSIONS, 'v1beta1');
    const v2 = version === 'v1beta2';
    const identity = checkIdentity(p, props, true);
    const name = props.name === undefined ? undefined : checkObjectName(p, 'name', props.name, true);
    let subnets: Record<string, unknown>[] | undefined;
    if (props.managedSubnets !== undefined) {
      if (!Array.isArray(props.managedSubnets) || props.managedSubnets.length > 1) {
        p.error('managedSubnets', `must be a list of at most one subnet { cidr, dnsNameservers }, got ${show(props.managedSubnets)}`);
      } else {
        subnets = props.managedSubnets.map((sn, i) => (checkObject(p, `managedSubnets[${i}]`, sn) && checkPropKeys(p, `managedSubnets[${i}]`, sn, SUBNET_PROPS) ? {
          cidr: reqString(p, `managedSubnets[${i}].cidr`, sn.cidr) === undefined ? undefined : checkCidr(p, `managedSubnets[${i}].cidr`, sn.cidr),
          dnsNameservers: optStringList(p, `managedSubnets[${i}].dnsNameservers`, sn.dnsNameservers),
        } : {}));
      }
    }
    if (props.network !== undefined && subnets !== undefined) p.warn('managedSubnets', 'is ignored when network selects an existing network');
    let securityGroups: Record<string, unknown> | undefined;
    const sg = props.managedSecurityGroups;
    if (sg === true) securityGroups = { allowAllInClusterTraffic: false };
    else if (sg !== undefined && typeof sg !== 'boolean' && (sg === null || typeof sg !== 'object' || Array.isArray(sg))) {
      p.error('managedSecurityGroups', `must be a boolean or { allowAllInClusterTraffic, allNodesSecurityGroupRules }, got ${show(sg)}`);
    } else if (sg !== undefined && sg !== false) {
      checkPropKeys(p, 'managedSecurityGroups', sg, SECURITY_GROUPS_PROPS);
      securityGroups = {
        allowAllInClusterTraffic: optBool(p, 'managedSecurityGroups.allowAllInClusterTraffic', sg.allowAllInClusterTraffic) ?? false,
        // v1beta2 renamed the field to clusterNodesSecurityGroupRules (CAPO v0.15)
        [v2 ? 'clusterNodesSecurityGroupRules' : 'allNodesSecurityGroupRules']:
          checkSecurityGroupRules(p, 'managedSecurityGroups.allNodesSecurityGroupRules', sg.allNodesSecurityGroupRules),
      };
    }
    const lb = optBool(p, 'apiServerLoadBalancer', props.apiServerLoadBalancer);
    const fip = optBool(p, 'apiServerFloatingIP', props.apiServerFloatingIP);
    let endpoint: Record<string, unknown> | undefined;
    const ep = props.controlPlaneEndpoint;
    if (ep !== undefined && checkObject(p, 'controlPlaneEndpoint', ep)) {
      checkPropKeys(p, 'controlPlaneEndpoint', ep, ENDPOINT_PROPS);
      endpoint = { host: reqString(p, 'controlPlaneEndpoint.host', ep.host, 512), port: ep.port === undefined ? 6443 : optInt(p, 'controlPlaneEndpoint.port', ep.port, 1, 65535) };
    }
    if (fip === false && !lb && !endpoint) p.warn('apiServerFloatingIP', 'false without apiServerLoadBalancer or controlPlaneEndpoint: the API server is reachable only on its fixed IP inside the cloud');
    const externalNetwork = networkRef(p, 'externalNetwork', props.externalNetwork);
    const network = networkRef(p, 'network', props.network);
    const zones = checkAvailabilityZones(p, 'controlPlaneAvailabilityZones', props.controlPlaneAvailabilityZones);
    const omitZone = optBool(p, 'controlPlaneOmitAvailabilityZone', props.controlPlaneOmitAvailabilityZone);
    if (omitZone && props.controlPlaneAvailabilityZones !== undefined) {
      p.error('controlPlaneOmitAvailabilityZone', `true with controlPlaneAvailabilityZones ${show(props.controlPlaneAvailabilityZones)}: CAPO then creates the control-plane servers without a zone and the list has no effect; set one of them`);
    }
    p.throwIfErrors();
    this.version = version!;
    this.name = name;
    const identityRef = { type: identity!.type, name: identity!.name, cloudName: identity!.cloudName, region: identity!.region };
    const spread = { controlPlaneAvailabilityZones: zones, controlPlaneOmitAvailabilityZone: omitZone || undefined };
    this.spec = compact(v2
      ? {
        identityRef, externalNetwork, network, managedSubnets: subnets, managedSecurityGroups: securityGroups, controlPlaneEndpoint: endpoint,
        apiServer: { managedLoadBalancer: lb ? { enabled: true } : undefined, enableFloatingIP: fip === false ? false : undefined },
        ...spread,
      }
      : {
        identityRef, externalNetwork, network, managedSubnets: subnets, managedSecurityGroups: securityGroups, controlPlaneEndpoint: endpoint,
        apiServerLoadBalancer: lb ? { enabled: true } : undefined, disableAPIServerFloatingIP: fip === false ? true : undefined,
        ...spread,
      });
    this.warnings = p.warnings;
  }
}
