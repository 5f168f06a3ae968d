/**
 * The upgrade order of a cluster (docs/day-2.md, "Upgrading in stages"): the control plane first
 * (stage 0), then the worker groups stage by stage (`upgradeStage`, default 1). A worker group's
 * version change is out of order when the control plane does not yet report a version at least as
 * new (its live `status.version` when read from the management cluster, else the version it had
 * before this apply), or when a group of an earlier stage is still older than the new version.
 */
import * as semver from 'semver';
import { ANNOTATION_UPGRADE_STAGE } from '../output/api-versions';
import { Manifest } from '../output/manifest';
import { getPath } from './diff';
import { groupKind } from './deletes-scales';
import { objectId } from './manifests';
import { VersionChange } from './types';

/** The stage of a worker group: its annotation, or 1. */
export function upgradeStageOf(md: Manifest): number {
  const v = md.metadata.annotations?.[ANNOTATION_UPGRADE_STAGE];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function versionOf(m: Manifest | undefined): string | undefined {
  if (!m) return undefined;
  const v = getPath(m, groupKind(m) === 'control-plane' ? ['spec', 'version'] : ['spec', 'template', 'spec', 'version']);
  return typeof v === 'string' ? v : undefined;
}

/** `a < b` as Kubernetes versions (a leading `v` allowed); false when either does not parse. */
function older(a: string | undefined, b: string | undefined): boolean {
  const x = a === undefined ? null : semver.parse(a.replace(/^v/, ''));
  const y = b === undefined ? null : semver.parse(b.replace(/^v/, ''));
  return !!x && !!y && semver.lt(x, y);
}

/**
 * The version changes of one cluster in upgrade order. `reported` is the control plane's live version
 * (KubeadmControlPlane `status.version`), when known.
 */
export function upgradeOrder(before: ReadonlyMap<string, Manifest>, after: ReadonlyMap<string, Manifest>, reported?: string): VersionChange[] {
  const changes: VersionChange[] = [];
  let controlPlane: { previous?: string; next?: string } = {};
  const workers: { key: string; m: Manifest; stage: number }[] = [];
  for (const [key, m] of after) {
    const kind = groupKind(m);
    if (kind === 'control-plane') controlPlane = { previous: versionOf(before.get(key)), next: versionOf(m) };
    else if (kind === 'workers') workers.push({ key, m, stage: upgradeStageOf(m) });
  }
  // what the control plane runs while this apply starts
  const running = reported ?? controlPlane.previous ?? controlPlane.next;
  for (const [key, m] of after) {
    if (groupKind(m) !== 'control-plane') continue;
    const old = versionOf(before.get(key));
    const next = versionOf(m);
    if (old !== undefined && next !== undefined && old !== next) {
      changes.push({ object: objectId(m), group: 'control-plane', stage: 0, old, new: next, reported });
    }
  }
  for (const w of workers.sort((a, b) => a.stage - b.stage)) {
    const old = versionOf(before.get(w.key));
    const next = versionOf(w.m);
    if (old === undefined || next === undefined || old === next) continue;
    let waitsFor: string | undefined;
    if (older(running, next)) {
      waitsFor = `the control plane reports ${running}${reported === undefined ? ' (its version before this apply; give --kubeconfig to read the live one)' : ''}: upgrade it first and wait until it reports ${next}`;
    } else {
      const behind = workers.find((o) => o.stage < w.stage && older(versionOf(o.m), next));
      if (behind) waitsFor = `stage ${behind.stage} group ${behind.m.metadata.name} is still at ${versionOf(behind.m)}: upgrade the earlier stages first`;
    }
    changes.push({ object: objectId(w.m), group: 'workers', stage: w.stage, old, new: next, reported, outOfOrder: waitsFor });
  }
  return changes;
}
