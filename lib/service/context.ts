/** What every add-on operation works with: the management cluster, the service options, per-add-on serialization. */
import { AddonMode, AddonName } from '../core/addons';
import { CapiVersion } from '../core/output/api-versions';
import { LeaseClient, LeaseOptions } from '../ops/lease';
import { KubeClients } from './kube';

/** The state of an uninstall after its DELETE answered: the HelmReleases are being removed, then the namespace. */
export interface UninstallRecord {
  readonly startedAt: Date;
  /** Set when the cleanup failed or timed out; the status then reports Failed with the cleanup commands. */
  error?: string;
  /** Settles when the background cleanup ends (tests and shutdown wait for it). */
  done?: Promise<void>;
  /** Stops the background cleanup (shutdown). */
  cancel?: () => void;
}

export interface ServiceContext {
  readonly clients: KubeClients;
  /** Cluster API version the Cluster objects are read at (and the ClusterResourceSet is written at). */
  readonly capiVersion: CapiVersion;
  /**
   * Where Flux runs: `management` (the add-on's objects on the management cluster, in the Cluster's
   * namespace) or `tenant` (on the workload cluster, in `iaas-addon-<addon>-<suffix>`, through its
   * `<cluster>-kubeconfig` Secret).
   */
  readonly mode: AddonMode;
  /** Whether the PrometheusRule of each add-on is applied (the management cluster serves monitoring.coreos.com/v1). */
  monitoring: boolean;
  readonly uninstallTimeoutSeconds: number;
  readonly uninstallPollMs: number;
  readonly tokenAudiences?: readonly string[];
  /** Uninstalls under way, by {@link addonKey}. */
  readonly uninstalls: Map<string, UninstallRecord>;
  /** Told when a background uninstall ends: completed (no error) or given up (error); the service logs it. */
  onUninstallEnd?: (key: string, error?: string) => void;
  /** Runs `fn` after every earlier call for the same key has settled (in this process; across processes, the Lease does it). */
  serialize<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** The Leases of the installations (and their options: how long to wait for another holder). */
  readonly leases: LeaseClient;
  readonly leaseOptions: LeaseOptions;
}

/** `<namespace>/<cluster>/<addon>`: one add-on of one cluster. */
export function addonKey(namespace: string, cluster: string, addon: AddonName): string {
  return `${namespace}/${cluster}/${addon}`;
}

/** A per-key queue: operations on one add-on of one cluster never interleave (install vs. install, install vs. uninstall). */
export function keyedSerializer(): ServiceContext['serialize'] {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.then(() => undefined, () => undefined);
    tails.set(key, tail);
    void tail.then(() => { if (tails.get(key) === tail) tails.delete(key); });
    return run;
  };
}
