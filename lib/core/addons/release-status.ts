/**
 * The state of an installed add-on, read from its Flux HelmReleases (helm-controller v1.6.3
 * conditions `Ready`, `Reconciling`, `Stalled`; `status.history[0].chartVersion`). Pure: the add-on
 * API service reads the objects and calls {@link addonStatusOf}; nothing here talks to Kubernetes.
 */
import { AddonMode } from './naming';
import { AddonName } from './catalog';
import { addonCleanupCommands } from './cleanup';

/** The phases the add-on API reports. */
export type AddonPhase = 'Installing' | 'Ready' | 'Failed' | 'Uninstalling';
export const ADDON_PHASES: readonly AddonPhase[] = ['Installing', 'Ready', 'Failed', 'Uninstalling'];

/**
 * Ready=False reasons of helm-controller that mean the last attempt failed (`api/v2/condition_types.go`).
 * `DependencyNotReady` and `Progressing` are not failures: Flux is still working.
 */
export const HELM_RELEASE_FAILURE_REASONS: readonly string[] = [
  'InstallFailed', 'UpgradeFailed', 'TestFailed', 'RollbackFailed', 'UninstallFailed', 'ArtifactFailed',
  'InitFailed', 'RetriesExceeded', 'ReconciliationFailed', 'ValuesError', 'GetLastReleaseFailed',
];

/** The fields of a HelmRelease the status is read from (any object of that shape). */
export interface HelmReleaseObject {
  readonly metadata?: { readonly name?: string; readonly generation?: number; readonly deletionTimestamp?: string | Date };
  readonly spec?: { readonly chart?: { readonly spec?: { readonly version?: string } } };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string; readonly message?: string; readonly lastTransitionTime?: string | Date }[];
    readonly history?: readonly { readonly chartVersion?: string }[];
  };
}

/** The state of one HelmRelease. */
export interface ReleaseStatus {
  readonly name: string;
  readonly phase: AddonPhase;
  /** Machine-readable cause of a `Failed` (or progress) phase: the condition reason. */
  readonly reason?: string;
  readonly message?: string;
  /** Installed chart version (`status.history[0].chartVersion`), else the requested one (`spec.chart.spec.version`). */
  readonly chartVersion?: string;
  /** `lastTransitionTime` of the Ready condition, else of the deletion. */
  readonly lastTransitionTime?: string;
}

/** The state of one add-on of one cluster. */
export interface AddonStatus {
  readonly phase: AddonPhase;
  readonly reason?: string;
  readonly message?: string;
  /** Chart version of the add-on's primary release. */
  readonly chartVersion?: string;
  /** Newest transition over the releases. */
  readonly lastTransitionTime?: string;
  readonly releases: readonly ReleaseStatus[];
  /** For a `Failed` uninstall: the manual cleanup commands of the operations guide, in order. */
  readonly cleanupCommands?: readonly string[];
}

export interface AddonStatusInput {
  readonly cluster: { readonly name: string; readonly namespace: string };
  readonly addon: AddonName;
  readonly mode: AddonMode;
  /** Release names in catalog order, the primary one marked. */
  readonly releases: readonly { readonly name: string; readonly primary: boolean }[];
  /** The live HelmReleases by name; a missing name is a release that does not exist. */
  readonly live: ReadonlyMap<string, HelmReleaseObject>;
  /** An uninstall stuck longer than this (seconds since the deletion began) is `Failed`. */
  readonly uninstallTimeoutSeconds: number;
  /** When the uninstall began, if it is known beyond the releases' deletionTimestamps (e.g. the releases are gone and the namespace is being deleted). */
  readonly uninstallStartedAt?: Date;
  /** What the uninstall is stuck on, or why it failed (e.g. the namespace could not be deleted). */
  readonly uninstallError?: string;
  readonly now: Date;
}

function iso(t: string | Date | undefined): string | undefined {
  if (t === undefined) return undefined;
  const d = t instanceof Date ? t : new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The phase of one HelmRelease from its conditions (a deleted one is `Uninstalling`). */
export function releaseStatusOf(name: string, hr: HelmReleaseObject): ReleaseStatus {
  const conditions = hr.status?.conditions ?? [];
  const cond = (type: string) => conditions.find((c) => c.type === type);
  const ready = cond('Ready');
  const stalled = cond('Stalled');
  const reconciling = cond('Reconciling');
  const chartVersion = hr.status?.history?.[0]?.chartVersion ?? hr.spec?.chart?.spec?.version;
  const base = { name, chartVersion, lastTransitionTime: iso(ready?.lastTransitionTime) };
  if (hr.metadata?.deletionTimestamp !== undefined) {
    return { ...base, phase: 'Uninstalling', reason: 'Deleting', lastTransitionTime: iso(hr.metadata.deletionTimestamp) };
  }
  const current = hr.status?.observedGeneration === undefined || hr.metadata?.generation === undefined
    || hr.status.observedGeneration >= hr.metadata.generation;
  if (stalled?.status === 'True') return { ...base, phase: 'Failed', reason: stalled.reason, message: stalled.message };
  if (current && ready?.status === 'True') return { ...base, phase: 'Ready', reason: ready.reason, message: ready.message };
  if (current && ready?.status === 'False' && reconciling?.status !== 'True' && HELM_RELEASE_FAILURE_REASONS.includes(ready.reason ?? '')) {
    return { ...base, phase: 'Failed', reason: ready.reason, message: ready.message };
  }
  return { ...base, phase: 'Installing', reason: ready?.reason ?? 'Pending', message: ready?.message };
}

function stuck(started: string | Date | undefined, input: AddonStatusInput): boolean {
  if (started === undefined) return false;
  const t = (started instanceof Date ? started : new Date(started)).getTime();
  return input.now.getTime() - t > input.uninstallTimeoutSeconds * 1000;
}

/**
 * The add-on's status, or `undefined` when none of its releases exists and no uninstall is under way
 * (the add-on is not installed). Precedence: uninstall (stuck → `Failed` with the cleanup commands),
 * then any `Failed` release, then `Installing`, and `Ready` only when every release is Ready.
 */
export function addonStatusOf(input: AddonStatusInput): AddonStatus | undefined {
  const present = input.releases.filter((r) => input.live.has(r.name));
  const cleanup = () => addonCleanupCommands({ cluster: input.cluster.name, namespace: input.cluster.namespace, addon: input.addon, mode: input.mode });
  const releases = present.map((r) => releaseStatusOf(r.name, input.live.get(r.name)!));
  const primary = releases.find((r) => input.releases.find((x) => x.name === r.name)?.primary) ?? releases[0];
  const newest = releases.map((r) => r.lastTransitionTime).filter((t): t is string => t !== undefined).sort().pop();
  const common = { chartVersion: primary?.chartVersion, lastTransitionTime: newest, releases };

  const deleting = present.map((r) => input.live.get(r.name)!.metadata?.deletionTimestamp).filter((t) => t !== undefined);
  const uninstalling = deleting.length > 0 || input.uninstallStartedAt !== undefined || input.uninstallError !== undefined;
  if (uninstalling) {
    const began = input.uninstallStartedAt ?? deleting.map((t) => iso(t)!).sort()[0];
    const detail = input.uninstallError === undefined ? '' : ` (${input.uninstallError})`;
    if (stuck(began, input)) {
      return {
        ...common,
        phase: 'Failed',
        reason: 'UninstallTimeout',
        message: `the uninstall began at ${iso(began)} and has not finished within ${input.uninstallTimeoutSeconds}s${detail}: clean up by hand`,
        cleanupCommands: cleanup(),
      };
    }
    if (input.uninstallError !== undefined) {
      return { ...common, phase: 'Failed', reason: 'UninstallFailed', message: input.uninstallError, cleanupCommands: cleanup() };
    }
    return { ...common, phase: 'Uninstalling', lastTransitionTime: iso(began) ?? newest };
  }
  if (present.length === 0) return undefined;
  const failed = releases.find((r) => r.phase === 'Failed');
  if (failed) return { ...common, phase: 'Failed', reason: failed.reason, message: `HelmRelease ${failed.name}: ${failed.message ?? failed.reason ?? 'failed'}` };
  const missing = input.releases.filter((r) => !input.live.has(r.name)).map((r) => r.name);
  if (missing.length > 0) {
    return { ...common, phase: 'Failed', reason: 'ReleaseMissing', message: `HelmRelease ${missing.join(', ')} does not exist: install the add-on again with the same parameters` };
  }
  const installing = releases.find((r) => r.phase !== 'Ready');
  if (installing) return { ...common, phase: 'Installing', reason: installing.reason, message: installing.message && `HelmRelease ${installing.name}: ${installing.message}` };
  return { ...common, phase: 'Ready' };
}
