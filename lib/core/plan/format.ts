/** The plan as text for people (`formatPlan`) and as JSON for pipelines (`planJson`). */
import { show } from '../rules/errors';
import { ClusterPlan, FleetPlan, ObjectId, RolloutPacing } from './types';

const MAX_VALUE = 100;

function value(v: unknown): string {
  if (v === undefined) return '(unset)';
  const s = show(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 3)}...` : s;
}

function id(o: ObjectId): string {
  return `${o.kind} ${o.namespace}/${o.name}`;
}

function change(c: { path: string; old?: unknown; new?: unknown }): string {
  return `${c.path}: ${value(c.old)} -> ${value(c.new)}`;
}

/** `min "3"` when a bound stays, `min "3" -> "4"` when it changes. */
function bound(name: string, b: { old?: string; new?: string }): string {
  return b.old === b.new ? `${name} ${value(b.new)}` : `${name} ${value(b.old)} -> ${value(b.new)}`;
}

/** The pacing of a rollout in words. */
export function describePacing(p: RolloutPacing, controlPlane: boolean): string {
  if (p.strategy === 'OnDelete') return 'OnDelete: a machine is replaced only when it is deleted';
  if (controlPlane) {
    return p.surge === 0
      ? `maxSurge ${value(p.maxSurge)}: one machine at a time, the old one deleted before its replacement is created`
      : `maxSurge ${value(p.maxSurge)}: one machine at a time, the new one created before the old one is deleted`;
  }
  return `maxSurge ${value(p.maxSurge)}, maxUnavailable ${value(p.maxUnavailable)}: up to ${p.surge} extra and ${p.unavailable} missing machine${p.unavailable === 1 ? '' : 's'} at a time`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line of totals. */
export function summary(plan: FleetPlan): string {
  const t = plan.totals;
  return [
    `${t.rejected} rejected`,
    `${plural(t.rolls, 'roll')} (${plural(t.machinesRolled, 'machine')})`,
    `${plural(t.groupsRemoved, 'group')} removed (${plural(t.machinesRemoved, 'machine')})`,
    `${plural(t.addonsRemoved, 'add-on')} uninstalled`,
    `${t.replicaChanges + t.autoscalerChanges} scaled`,
    `${t.inPlace} changed in place`,
    `${t.created} created`,
    ...(t.outOfOrder > 0 ? [`${plural(t.outOfOrder, 'upgrade')} out of order`] : []),
  ].join(', ');
}

function section(out: string[], title: string, lines: string[]): void {
  if (lines.length === 0) return;
  out.push(`  ${title}`);
  for (const l of lines) out.push(`    ${l}`);
}

function clusterText(c: ClusterPlan): string[] {
  const out: string[] = [];
  const name = c.cluster.name === '' ? 'other objects (of no cluster)' : `cluster ${c.cluster.namespace}/${c.cluster.name}`;
  out.push(`${name}: ${c.status}`);
  const rejected: string[] = [];
  for (const r of c.rejected) {
    rejected.push(`${id(r.object)} ${change(r)}`);
    rejected.push(`  ${r.effect}: ${r.rule}`);
    rejected.push(`  source:   ${r.source}`);
    rejected.push(`  instead:  ${r.instead}`);
  }
  section(out, `REJECTED (${c.rejected.length})`, rejected);
  const rolls: string[] = [];
  for (const r of c.rolls) {
    rolls.push(`${r.group === 'control-plane' ? 'control plane' : 'workers'} ${id(r.object)}: ${plural(r.machines, 'machine')} replaced${r.machinesNote ? ` (${r.machinesNote})` : ''}`);
    rolls.push(`  pacing: ${describePacing(r.pacing, r.group === 'control-plane')}`);
    for (const cause of r.causes) rolls.push(`  because ${cause.template ? `${id(cause.template)} ` : ''}${change(cause)}`);
  }
  section(out, `ROLLS (${c.rolls.length})`, rolls);
  const deletes = [
    ...c.deletes.groups.map((g) => `${g.group === 'control-plane' ? 'control plane' : 'workers'} ${id(g.object)}: ${plural(g.machines, 'machine')} deleted${g.machinesNote ? ` (${g.machinesNote})` : ''}`),
    ...c.deletes.addons.map((a) => `add-on ${id(a.object)} uninstalled${a.chart ? ` (chart ${a.chart}${a.version ? ` ${a.version}` : ''}${a.targetNamespace ? ` in ${a.targetNamespace}` : ''})` : ''}`),
    ...c.deletes.objects.map((o) => `${id(o)}`),
  ];
  section(out, `DELETES (${deletes.length})`, deletes);
  const scales = [
    ...c.scales.replicas.map((r) => `${id(r.object)} replicas: ${value(r.old)} -> ${value(r.new)}`),
    ...c.scales.autoscaler.map((a) => `${id(a.object)} autoscaler bounds: ${bound('min', a.min)}, ${bound('max', a.max)}`),
  ];
  section(out, `SCALES (${scales.length})`, scales);
  const inPlace: string[] = [];
  for (const ip of c.inPlace) {
    inPlace.push(id(ip.object));
    for (const ch of ip.changes) inPlace.push(`  ${change(ch)}`);
  }
  section(out, `IN PLACE (${c.inPlace.length})`, inPlace);
  section(out, `CREATES (${c.created.length})`, c.created.map(id));
  const upgrades: string[] = [];
  for (const u of c.upgrades) {
    upgrades.push(`stage ${u.stage}: ${u.group === 'control-plane' ? 'control plane' : 'workers'} ${id(u.object)} ${u.old} -> ${u.new}${u.reported !== undefined && u.group === 'control-plane' ? ` (reports ${u.reported})` : ''}`);
    if (u.outOfOrder !== undefined) upgrades.push(`  out of order: ${u.outOfOrder}`);
  }
  section(out, `UPGRADES (${c.upgrades.length})`, upgrades);
  return out;
}

/** The plan for people: one block per changed cluster, then the totals. Unchanged clusters get one line. */
export function formatPlan(plan: FleetPlan): string {
  const out: string[] = [];
  for (const c of plan.clusters) {
    if (c.status === 'unchanged') {
      if (c.cluster.name !== '') out.push(`cluster ${c.cluster.namespace}/${c.cluster.name}: unchanged`);
      continue;
    }
    out.push(...clusterText(c), '');
  }
  if (plan.clusters.length === 0) out.push('no objects in either manifest set');
  if (out[out.length - 1] !== '') out.push('');
  out.push(`Plan: ${summary(plan)}.`);
  return `${out.join('\n')}\n`;
}

/** The plan as JSON text (the {@link FleetPlan} object, two-space indented). */
export function planJson(plan: FleetPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
