/**
 * The state of an installed add-on, read from its Flux HelmReleases (helm-controller v1.6.3
 * conditions `Ready`, `Reconciling`, `Stalled`; `status.history[0].chartVersion`). Pure: the add-on
 * API service reads the objects and calls {@link addonStatusOf}; nothing here talks to Kubernetes.
 */
import { AddonMode } from './naming';
import { AddonName } from './catalog';
import { addonCleanupCommands } from './cleanup';
import { InstallationOperation } from './installation';

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
  /** Objects of the installation that do not exist (`Kind namespace/name`), when some do and some do not. */
  readonly missing?: readonly string[];
  /** The operation recorded on the installation (install or uninstall under way, or stopped on a failed step). */
  readonly operation?: InstallationOperation;
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
  /**
   * Every object of the installation (`Kind namespace/name`, see `installationObjects`), split into the
   * ones that exist and the ones that do not. Without it only the HelmReleases are considered.
   */
  readonly objects?: { readonly present: readonly string[]; readonly missing: readonly string[] };
  /** The operation recorded on the installation's HelmRepository (see `operationOf`). */
  readonly operation?: InstallationOperation;
  /** Whether the operation's Lease is held now (its process is alive and at work). */
  readonly operationActive?: boolean;
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
  const op = input.operation;
  const missing = input.objects?.missing ?? [];
  const common = {
    chartVersion: primary?.chartVersion, lastTransitionTime: newest, releases,
    ...(op ? { operation: op } : {}),
    ...(missing.length > 0 && (present.length > 0 || (input.objects?.present.length ?? 0) > 0) ? { missing } : {}),
  };

  const deleting = present.map((r) => input.live.get(r.name)!.metadata?.deletionTimestamp).filter((t) => t !== undefined);
  const recordedError = op?.operation === 'uninstall' && op.failedStep !== undefined ? `${op.failedStep}: ${op.error ?? 'failed'}` : undefined;
  const uninstallError = input.uninstallError ?? recordedError;
  const uninstalling = deleting.length > 0 || input.uninstallStartedAt !== undefined || uninstallError !== undefined || op?.operation === 'uninstall';
  if (uninstalling) {
    const recordedStart = op?.operation === 'uninstall' && op.startedAt !== undefined && iso(op.startedAt) !== undefined ? new Date(op.startedAt) : undefined;
    const began = input.uninstallStartedAt ?? recordedStart ?? deleting.map((t) => iso(t)!).sort()[0];
    const detail = uninstallError === undefined ? '' : ` (${uninstallError})`;
    if (began !== undefined && stuck(began, input)) {
      return {
        ...common,
        phase: 'Failed',
        reason: 'UninstallTimeout',
        message: `the uninstall began at ${iso(began)} and has not finished within ${input.uninstallTimeoutSeconds}s${detail}: clean up by hand`,
        cleanupCommands: cleanup(),
      };
    }
    if (uninstallError !== undefined) {
      return { ...common, phase: 'Failed', reason: 'UninstallFailed', message: `${uninstallError}: uninstall again to finish it`, cleanupCommands: cleanup() };
    }
    return { ...common, phase: 'Uninstalling', lastTransitionTime: iso(began) ?? newest };
  }
  if (present.length === 0 && (input.objects?.present.length ?? 0) === 0) return undefined;
  if (op?.operation === 'install') {
    const request = op.requestId === undefined ? '' : ` (request ${op.requestId})`;
    const lacking = missing.length > 0 ? `; missing: ${missing.join(', ')}` : '';
    if (op.failedStep !== undefined) {
      return { ...common, phase: 'Failed', reason: 'InstallIncomplete', message: `the install${request} failed while ${op.failedStep}: ${op.error ?? 'failed'}${lacking}: install again with the same parameters to finish it, or uninstall` };
    }
    if (input.operationActive) {
      return { ...common, phase: 'Installing', reason: 'Applying', message: `the install${request} is applying the add-on's objects${lacking}` };
    }
    return { ...common, phase: 'Failed', reason: 'InstallIncomplete', message: `the install${request} begun at ${op.startedAt ?? 'an unknown time'} stopped before it finished${lacking}: install again with the same parameters to finish it, or uninstall` };
  }
  const missingOthers = missing.filter((m) => !m.startsWith('HelmRelease '));
  if (missingOthers.length > 0 || (present.length === 0 && missing.length > 0)) {
    return { ...common, phase: 'Failed', reason: 'PartialInstallation', message: `the installation is partial, missing: ${missing.join(', ')}: install again with the same parameters to repair it, or uninstall` };
  }
  const failed = releases.find((r) => r.phase === 'Failed');
  if (failed) return { ...common, phase: 'Failed', reason: failed.reason, message: `HelmRelease ${failed.name}: ${failed.message ?? failed.reason ?? 'failed'}` };
  const missingReleases = input.releases.filter((r) => !input.live.has(r.name)).map((r) => r.name);
  if (missingReleases.length > 0) {
    return { ...common, phase: 'Failed', reason: 'ReleaseMissing', message: `HelmRelease ${missingReleases.join(', ')} does not exist: install the add-on again with the same parameters` };
  }
  const installing = releases.find((r) => r.phase !== 'Ready');
  if (installing) return { ...common, phase: 'Installing', reason: installing.reason, message: installing.message && `HelmRelease ${installing.name}: ${installing.message}` };
  return { ...common, phase: 'Ready' };
}
