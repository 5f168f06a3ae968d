/**
 * CSI: Cinder CSI on OpenStack, with the StorageClasses of the `csi` props rendered by the chart
 * (`storageClass.custom`) instead of its two fixed classes.
 */
import { stringifyManifests } from '../output/yaml';
import { OPENSTACK_CLOUD_CONFIG_SECRET } from './cloud-controller';

/** A StorageClass of the cluster's CSI driver. */
export interface StorageClassProps {
  /** StorageClass name (a DNS-1123 subdomain). */
  readonly name: string;
  /** Mark it the cluster's default class. @default false */
  readonly default?: boolean;
  /** @default 'Delete' */
  readonly reclaimPolicy?: 'Delete' | 'Retain';
  /** Cinder volume type (`parameters.type`). @default the cloud's default type */
  readonly volumeType?: string;
  /** Cinder availability zone (`parameters.availability`). @default any */
  readonly availabilityZone?: string;
  /** @default true */
  readonly allowVolumeExpansion?: boolean;
}

/** A StorageClass with its defaults applied. */
export type ResolvedStorageClass = StorageClassProps & Required<Pick<StorageClassProps, 'default' | 'reclaimPolicy' | 'allowVolumeExpansion'>>;

export const CINDER_PROVISIONER = 'cinder.csi.openstack.org';

/** The resolved classes as StorageClass objects. */
export function cinderStorageClasses(classes: readonly ResolvedStorageClass[]): Record<string, unknown>[] {
  return classes.map((c) => {
    const parameters: Record<string, string> = {};
    if (c.volumeType !== undefined) parameters.type = c.volumeType;
    if (c.availabilityZone !== undefined) parameters.availability = c.availabilityZone;
    return {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: c.name, ...(c.default ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
      provisioner: CINDER_PROVISIONER,
      reclaimPolicy: c.reclaimPolicy,
      allowVolumeExpansion: c.allowVolumeExpansion,
      volumeBindingMode: 'WaitForFirstConsumer',
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    };
  });
}

export function cinderCsiValues(classes: readonly ResolvedStorageClass[]): Record<string, unknown> {
  return {
    secret: { enabled: true, hostMount: false, create: false, name: OPENSTACK_CLOUD_CONFIG_SECRET },
    storageClass: { enabled: false, custom: stringifyManifests(cinderStorageClasses(classes) as never) },
  };
}
