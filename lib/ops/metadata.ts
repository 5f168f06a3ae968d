/**
 * Labels and annotations on a node's three objects (the seed's "Лейблы и аннотации" tab): its Cluster
 * API Machine, its infrastructure machine (management cluster) and its Node (workload cluster).
 *
 * - Keys and values follow the library's label rules (lib/core/rules/validation.ts `checkLabels`);
 *   keys that Cluster API, the kubelet or capi-constructs manage are refused with the reason
 *   (lib/core/nodes/node-metadata.ts), and so, on a Node, are the labels Cluster API copies from the
 *   Machine (the Node's `cluster.x-k8s.io/labels-from-machine` annotation): they go on the Machine.
 * - Idempotent: only the keys whose value differs are sent; nothing is sent when none does.
 * - One merge patch carrying the resourceVersion that was read, so the server applies it only to the
 *   state the decision was made on; on a conflict (another writer came in between) the object is read
 *   again and the change decided again, up to {@link METADATA_ATTEMPTS} times, with a short random pause.
 * - Setting a Machine label that Cluster API copies to the Node says so in the result's notes.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ANNOTATION_LABELS_FROM_MACHINE, isSyncedToNode, managedKeyReason, NodeMetadataKind, NodeMetadataTarget } from '../core/nodes/node-metadata';
import { CLUSTER_GROUP } from '../core/output/api-versions';
import { isConflict, isNotFound } from './api-errors';
import { MACHINES, objectParams } from './capi-objects';
import { OperationContext, resultOf } from './context';
import { NodeOperationNotFound, NodeOperationRefused } from './errors';
import { findMachine } from './node-lookup';
import { customObjectPath, NodeAction, nodePath, RequestLog, Target } from './requests';
import { METADATA_ATTEMPTS, NodeMetadataChange, NodeMetadataResult } from './types';


type Metadata = { resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

interface ResolvedObject {
  readonly kind: string;
  readonly name: string;
  readonly apiVersion: string;
  readonly cluster: Target;
  readonly path: string;
  /** The Node a Machine label would be copied to. */
  readonly nodeName?: string;
  /** The Machine whose labels Cluster API copies to this Node. */
  readonly machineName?: string;
  read(): Promise<Metadata>;
  patch(body: object): Promise<unknown>;
}

export async function changeMetadata(ctx: OperationContext, kind: NodeMetadataKind, name: string, change: NodeMetadataChange): Promise<NodeMetadataResult> {
  const action: NodeAction = kind === 'labels' ? 'label' : 'annotate';
  const set = change.set ?? {};
  const remove = change.remove ?? [];
  refuseManaged(action, name, change.on, kind, [...Object.keys(set), ...remove]);
  const target = await resolve(ctx, action, name, change.on);
  for (let attempt = 1; ; attempt++) {
    const metadata = await target.read();
    const current = metadata[kind] ?? {};
    if (change.on === 'node' && kind === 'labels') refuseCopiedFromMachine(action, name, target, metadata, [...Object.keys(set), ...remove]);
    const toSet = Object.fromEntries(Object.entries(set).filter(([k, v]) => current[k] !== v));
    const toRemove = remove.filter((k) => k in current);
    const log = new RequestLog(ctx.dryRun);
    const what = kind === 'labels' ? 'label' : 'annotation';
    const base = { object: { kind: target.kind, name: target.name, apiVersion: target.apiVersion }, set: toSet, removed: toRemove, notes: notes(change.on, kind, target, [...Object.keys(toSet), ...toRemove]) };
    if (!Object.keys(toSet).length && !toRemove.length) {
      return { ...resultOf(ctx, action, name, log, `${target.kind} ${target.name} already has the ${what}s as asked`), ...base };
    }
    const body = { metadata: { resourceVersion: metadata.resourceVersion, [kind]: { ...toSet, ...Object.fromEntries(toRemove.map((k) => [k, null])) } } };
    try {
      await log.send({ cluster: target.cluster, method: 'PATCH', path: target.path, contentType: PatchStrategy.MergePatch, body }, () => target.patch(body));
    } catch (e) {
      if (isConflict(e) && attempt < METADATA_ATTEMPTS) {
        await ctx.clock.sleep(Math.floor(Math.random() * 100 * attempt));
        continue;
      }
      throw e;
    }
    const parts = [
      ...(Object.keys(toSet).length ? [`set ${Object.entries(toSet).map(([k, v]) => `${k}=${v}`).join(', ')}`] : []),
      ...(toRemove.length ? [`removed ${toRemove.join(', ')}`] : []),
    ];
    return { ...resultOf(ctx, action, name, log, `${what}s of ${target.kind} ${target.name}: ${parts.join('; ')}`), ...base };
  }
}

function refuseManaged(action: NodeAction, name: string, on: NodeMetadataTarget, kind: NodeMetadataKind, keys: readonly string[]): void {
  const refused = keys.map((k) => [k, managedKeyReason(on, kind, k)] as const).filter(([, reason]) => reason !== undefined);
  if (refused.length) {
    throw new NodeOperationRefused(action, name, 'ManagedKey', refused.map(([k, reason]) => `${k}: ${reason}`).join('; '));
  }
}

function refuseCopiedFromMachine(action: NodeAction, name: string, target: ResolvedObject, metadata: Metadata, keys: readonly string[]): void {
  const copied = (metadata.annotations?.[ANNOTATION_LABELS_FROM_MACHINE] ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  const refused = keys.filter((k) => copied.includes(k));
  if (refused.length) {
    const from = target.machineName ? `Machine ${target.machineName}` : 'the Machine';
    throw new NodeOperationRefused(action, name, 'ManagedKey', refused.map((k) => `${k}: Cluster API copies this label from ${from} and would undo the change; change it with --on machine`).join('; '));
  }
}

function notes(on: NodeMetadataTarget, kind: NodeMetadataKind, target: ResolvedObject, keys: readonly string[]): string[] {
  if (on !== 'machine' || kind !== 'labels') return [];
  return keys.filter(isSyncedToNode).map((k) => `Cluster API copies label ${k} from Machine ${target.name} to Node ${target.nodeName ?? '(none yet)'}, and removes it there when it is removed here`);
}

async function resolve(ctx: OperationContext, action: NodeAction, name: string, on: NodeMetadataTarget): Promise<ResolvedObject> {
  const { access } = ctx;
  const namespace = access.cluster.namespace;
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  if (on === 'node') {
    const found = await findMachine(access, action, name).catch((e) => { if (e instanceof NodeOperationNotFound && e.reason === 'MachineNotFound') return undefined; throw e; });
    const { core } = await access.workload(action, name);
    return {
      kind: 'Node', name, apiVersion: 'v1', cluster: 'workload', path: nodePath(name), machineName: found?.machine.metadata.name,
      read: async () => {
        try {
          return (await core.readNode({ name })).metadata as Metadata ?? {};
        } catch (e) {
          if (isNotFound(e)) throw new NodeOperationNotFound(action, name, 'NodeNotFound', `node ${name} not found in cluster ${namespace}/${access.cluster.name}`);
          throw e;
        }
      },
      patch: (body) => core.patchNode({ name, body }, mergePatch),
    };
  }
  const found = await findMachine(access, action, name);
  const nodeName = found.node ? name : undefined;
  if (on === 'machine') {
    const machineName = found.machine.metadata.name;
    const params = { ...objectParams(MACHINES, found.apiVersion, namespace), name: machineName };
    return {
      kind: 'Machine', name: machineName, apiVersion: `${CLUSTER_GROUP}/${found.apiVersion}`, cluster: 'management', nodeName,
      path: customObjectPath(MACHINES.group, found.apiVersion, namespace, MACHINES.plural, machineName),
      read: async () => ((await access.custom.getNamespacedCustomObject(params)) as { metadata?: Metadata }).metadata ?? {},
      patch: (body) => access.custom.patchNamespacedCustomObject({ ...params, body }, mergePatch),
    };
  }
  const ref = found.machine.spec?.infrastructureRef;
  if (!ref) throw new NodeOperationNotFound(action, name, 'InfrastructureMachineNotFound', `Machine ${found.machine.metadata.name} has no infrastructureRef`);
  const group = ref.apiGroup ?? ref.apiVersion?.split('/')[0];
  const served = group ? await access.servedResource(group, ref.kind) : undefined;
  if (!group || !served) throw new NodeOperationNotFound(action, name, 'InfrastructureMachineNotFound', `${ref.kind} is not served by the management cluster${group ? ` in API group ${group}` : ''}`);
  const version = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[1] : served.version;
  const params = { group, version, namespace, plural: served.plural, name: ref.name };
  return {
    kind: ref.kind, name: ref.name, apiVersion: `${group}/${version}`, cluster: 'management',
    path: customObjectPath(group, version, namespace, served.plural, ref.name),
    read: async () => {
      try {
        return ((await access.custom.getNamespacedCustomObject(params)) as { metadata?: Metadata }).metadata ?? {};
      } catch (e) {
        if (isNotFound(e)) throw new NodeOperationNotFound(action, name, 'InfrastructureMachineNotFound', `${ref.kind} ${namespace}/${ref.name} of Machine ${found.machine.metadata.name} not found`);
        throw e;
      }
    },
    patch: (body) => access.custom.patchNamespacedCustomObject({ ...params, body }, mergePatch),
  };
}
