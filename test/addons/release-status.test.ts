import { addonCleanupCommands, addonStatusOf, HelmReleaseObject, releaseStatusOf } from '../../lib/core/addons';

const cond = (type: string, status: string, reason: string, at = '2026-12-01T10:00:00Z') => ({ type, status, reason, message: `${reason} message`, lastTransitionTime: at });
const hr = (conditions: any[], extra: Partial<HelmReleaseObject> = {}): HelmReleaseObject => ({
  metadata: { name: 'x', generation: 2 }, spec: { chart: { spec: { version: '1.7.0' } } }, status: { observedGeneration: 2, conditions }, ...extra,
});
const base = {
  cluster: { name: 'prod', namespace: 'tenants' }, addon: 'kuberay' as const, mode: 'management' as const,
  releases: [{ name: 'kuberay-ab12-operator', primary: false }, { name: 'kuberay-ab12', primary: true }],
  uninstallTimeoutSeconds: 600, now: new Date('2026-12-01T12:00:00Z'),
};

describe('releaseStatusOf', () => {
  it('maps helm-controller conditions to phases', () => {
    expect(releaseStatusOf('x', hr([]))).toMatchObject({ phase: 'Installing', reason: 'Pending', chartVersion: '1.7.0' });
    expect(releaseStatusOf('x', hr([cond('Ready', 'True', 'InstallSucceeded')], { status: { observedGeneration: 2, conditions: [cond('Ready', 'True', 'InstallSucceeded')], history: [{ chartVersion: '1.6.9' }] } })))
      .toEqual({ name: 'x', phase: 'Ready', reason: 'InstallSucceeded', message: 'InstallSucceeded message', chartVersion: '1.6.9', lastTransitionTime: '2026-12-01T10:00:00.000Z' });
    expect(releaseStatusOf('x', hr([cond('Ready', 'False', 'InstallFailed')]))).toMatchObject({ phase: 'Failed', reason: 'InstallFailed' });
    // still retrying (Reconciling), or waiting for a dependency: not a failure
    expect(releaseStatusOf('x', hr([cond('Ready', 'False', 'InstallFailed'), cond('Reconciling', 'True', 'Progressing')]))).toMatchObject({ phase: 'Installing' });
    expect(releaseStatusOf('x', hr([cond('Ready', 'False', 'DependencyNotReady')]))).toMatchObject({ phase: 'Installing', reason: 'DependencyNotReady' });
    expect(releaseStatusOf('x', hr([cond('Ready', 'False', 'RetriesExceeded'), cond('Stalled', 'True', 'RetriesExceeded')]))).toMatchObject({ phase: 'Failed', reason: 'RetriesExceeded' });
    // a Ready of an older generation is stale
    expect(releaseStatusOf('x', hr([cond('Ready', 'True', 'UpgradeSucceeded')], { metadata: { generation: 3 } }))).toMatchObject({ phase: 'Installing' });
    expect(releaseStatusOf('x', hr([], { metadata: { deletionTimestamp: '2026-12-01T11:00:00Z' } }))).toMatchObject({ phase: 'Uninstalling', lastTransitionTime: '2026-12-01T11:00:00.000Z' });
  });
});

describe('addonStatusOf', () => {
  const ready = hr([cond('Ready', 'True', 'InstallSucceeded')]);
  it('is undefined when nothing is installed, Ready only when every release is, and names the failing release', () => {
    expect(addonStatusOf({ ...base, live: new Map() })).toBeUndefined();
    expect(addonStatusOf({ ...base, live: new Map([['kuberay-ab12-operator', ready], ['kuberay-ab12', ready]]) })).toMatchObject({ phase: 'Ready', chartVersion: '1.7.0' });
    expect(addonStatusOf({ ...base, live: new Map([['kuberay-ab12-operator', ready], ['kuberay-ab12', hr([cond('Ready', 'False', 'DependencyNotReady')])]]) })).toMatchObject({ phase: 'Installing' });
    const failed = addonStatusOf({ ...base, live: new Map([['kuberay-ab12-operator', hr([cond('Ready', 'False', 'UpgradeFailed')])], ['kuberay-ab12', ready]]) });
    expect(failed).toMatchObject({ phase: 'Failed', reason: 'UpgradeFailed', message: 'HelmRelease kuberay-ab12-operator: UpgradeFailed message' });
    expect(addonStatusOf({ ...base, live: new Map([['kuberay-ab12', ready]]) })).toMatchObject({ phase: 'Failed', reason: 'ReleaseMissing' });
  });

  it('reports an uninstall as Uninstalling, and past the timeout as Failed with the cleanup commands', () => {
    const deleting = hr([], { metadata: { deletionTimestamp: '2026-12-01T11:55:00Z' } });
    expect(addonStatusOf({ ...base, live: new Map([['kuberay-ab12', deleting]]) })).toMatchObject({ phase: 'Uninstalling', lastTransitionTime: '2026-12-01T11:55:00.000Z' });
    const stuck = addonStatusOf({ ...base, uninstallTimeoutSeconds: 60, live: new Map([['kuberay-ab12', deleting]]) });
    expect(stuck).toMatchObject({ phase: 'Failed', reason: 'UninstallTimeout' });
    expect(stuck!.cleanupCommands).toEqual(addonCleanupCommands({ cluster: 'prod', namespace: 'tenants', addon: 'kuberay' }));
    // the releases are gone but the namespace is still being deleted
    expect(addonStatusOf({ ...base, live: new Map(), uninstallStartedAt: new Date('2026-12-01T11:59:00Z') })).toMatchObject({ phase: 'Uninstalling', releases: [] });
    expect(addonStatusOf({ ...base, live: new Map(), uninstallStartedAt: new Date('2026-12-01T11:59:00Z'), uninstallError: 'namespace delete refused' }))
      .toMatchObject({ phase: 'Failed', reason: 'UninstallFailed', message: 'namespace delete refused: uninstall again to finish it', cleanupCommands: expect.any(Array) });
  });
});
