/**
 * `capi-constructs node <action> <node> --cluster <name> --namespace <ns> ...`: the node actions of
 * {@link NodeOperations} on the command line; `node list` (no <node>) and `node label|annotate <node>
 * --on machine|infra|node key=value key-` as well.
 *
 * Exit codes (the CLI's table, lib/cli/args.ts EXIT): 1 the Kubernetes API failed; 3 a rule refused the
 * action (nothing was written); 4 the node, its Machine (or infrastructure machine) or the cluster's kubeconfig Secret was not found;
 * 5 the drain timed out (the node stays cordoned); 64 usage error; 78 no usable kubeconfig.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { Problems, ValidationError } from '../core/rules/errors';
import { checkDuration } from '../core/rules/validation';
import { describeApiError } from '../ops/api-errors';
import { DrainTimeout, NodeOperationError, NodeOperationNotFound, NodeOperationRefused } from '../ops/errors';
import { NodeOperations } from '../ops/node-operations';
import { describeRequest, NodeOperationResult } from '../ops/requests';
import { Clock, DrainProgress, NodeListReport, NodeReport } from '../ops/types';
import { Command, EXIT, Output, parseFlags, UsageError } from './args';
import { loadKubeconfig } from './kubeconfig';
import { NODE_ACTIONS, NODE_USAGE } from './usage';

export { NODE_ACTIONS };
type Action = typeof NODE_ACTIONS[number];

/** Exit codes of `capi-constructs node`. */
export const NODE_EXIT = { ok: EXIT.ok, apiError: EXIT.failed, usage: EXIT.usage, refused: EXIT.refused, notFound: EXIT.notFound, drainTimeout: EXIT.drainTimeout, config: EXIT.config } as const;

const VALUE_OPTIONS = ['cluster', 'namespace', 'kubeconfig', 'confirm', 'timeout', 'output', 'on'];
const SWITCHES = ['replace', 'no-replace', 'delete-emptydir-data', 'force', 'dry-run', 'show-ips'];
/** Options that only some actions take. */
const ONLY_FOR: Readonly<Record<string, readonly Action[]>> = {
  replace: ['delete'], 'no-replace': ['delete'], confirm: ['delete'],
  'delete-emptydir-data': ['drain'], force: ['drain'], timeout: ['drain'],
  'dry-run': NODE_ACTIONS.filter((a) => a !== 'show' && a !== 'list'),
  'show-ips': ['list'], on: ['label', 'annotate'],
};

/** `label` / `annotate`: the `key=value` and `key-` arguments apart from the options. */
function splitChanges(args: readonly string[]): { changes: string[]; options: string[] } {
  const changes: string[] = [];
  const options: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) { changes.push(arg); continue; }
    options.push(arg);
    const key = /^--([a-z-]+)$/.exec(arg)?.[1];
    if (key && VALUE_OPTIONS.includes(key) && i + 1 < args.length) options.push(args[++i]);
  }
  return { changes, options };
}

/** `key=value` sets, `key-` removes. */
function parseChanges(a: Action, changes: readonly string[]): { set: Record<string, string>; remove: string[] } {
  if (!changes.length) throw new UsageError(`node ${a}: give at least one key=value or key-`);
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const c of changes) {
    const eq = c.indexOf('=');
    if (eq > 0) {
      const key = c.slice(0, eq);
      if (Object.prototype.hasOwnProperty.call(set, key)) throw new UsageError(`node ${a}: ${key} is given twice`);
      set[key] = c.slice(eq + 1);
    } else if (eq < 0 && c.length > 1 && c.endsWith('-')) remove.push(c.slice(0, -1));
    else throw new UsageError(`node ${a}: ${JSON.stringify(c)} is neither key=value (set) nor key- (remove)`);
  }
  return { set, remove };
}

/** What tests replace: the clock of drains. */
export interface NodeCommandDependencies {
  readonly clock?: Clock;
}

export function nodeCommand(deps: NodeCommandDependencies = {}): Command {
  return {
    usage: NODE_USAGE,
    run: (args, out, err) => runNode(args, out, err, deps),
  };
}

export const node: Command = nodeCommand();

async function runNode(args: readonly string[], out: Output, err: Output, deps: NodeCommandDependencies): Promise<number> {
  const action = args[0];
  if (!(NODE_ACTIONS as readonly string[]).includes(action)) throw new UsageError(`node: action must be one of ${NODE_ACTIONS.join(', ')}, got ${action === undefined ? 'nothing' : JSON.stringify(action)}`);
  const a = action as Action;
  // `list` takes no <node>
  const nodeName = a === 'list' ? '' : args[1];
  if (nodeName === undefined || nodeName.startsWith('--')) throw new UsageError(`node ${action}: missing <node>`);
  const metadataAction = a === 'label' || a === 'annotate';
  const { changes, options } = metadataAction ? splitChanges(args.slice(2)) : { changes: [], options: args.slice(a === 'list' ? 1 : 2) };
  const flags = parseFlags(options, VALUE_OPTIONS, SWITCHES);
  const missing = ['cluster', 'namespace'].filter((k) => flags[k] === undefined);
  if (missing.length) throw new UsageError(`node ${a}: missing ${missing.map((m) => `--${m}`).join(' and ')}`);
  for (const [flag, actions] of Object.entries(ONLY_FOR)) {
    if (flags[flag] !== undefined && !actions.includes(a)) throw new UsageError(`node ${a}: --${flag} applies only to ${actions.join(', ')}`);
  }
  if (flags.output !== undefined && flags.output !== 'json') throw new UsageError(`--output must be json, got ${JSON.stringify(flags.output)}`);
  if (flags.replace && flags['no-replace']) throw new UsageError('node delete: --replace and --no-replace exclude each other');
  if (a === 'delete' && !flags.replace && !flags['no-replace']) throw new UsageError('node delete: choose --replace (a new Machine takes its place) or --no-replace (the group shrinks by one)');
  let timeoutSeconds: number | undefined;
  if (flags.timeout !== undefined) {
    const p = new Problems('node drain');
    timeoutSeconds = checkDuration(p, 'timeout', flags.timeout);
    if (timeoutSeconds === 0) p.error('timeout', 'must be longer than 0s: a drain waits at most this long');
    p.throwIfErrors();
  }
  if (metadataAction && flags.on === undefined) throw new UsageError(`node ${a}: missing --on machine|infra|node`);
  if (flags.on !== undefined && !['machine', 'infra', 'node'].includes(flags.on)) throw new UsageError(`node ${a}: --on must be machine, infra or node, got ${JSON.stringify(flags.on)}`);
  const change = metadataAction ? { on: flags.on as 'machine' | 'infra' | 'node', ...parseChanges(a, changes) } : undefined;
  const json = flags.output === 'json';

  const kc = loadKubeconfig(flags.kubeconfig, (file) => {
    const k = new KubeConfig();
    if (file) k.loadFromFile(file);
    else k.loadFromDefault();
    return k;
  });
  const ops = new NodeOperations(kc, { name: flags.cluster, namespace: flags.namespace }, { dryRun: flags['dry-run'] === 'true', ...(deps.clock ? { clock: deps.clock } : {}) });

  try {
    if (a === 'show') {
      const report = await ops.show(nodeName);
      out.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      return NODE_EXIT.ok;
    }
    if (a === 'list') {
      const report = await ops.list({ showIps: flags['show-ips'] === 'true' });
      out.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatList(report, flags['show-ips'] === 'true'));
      return NODE_EXIT.ok;
    }
    if (change) {
      const result = await (a === 'label' ? ops.label(nodeName, change) : ops.annotate(nodeName, change)).catch((e) => {
        // the library's label rules, as the command line spells the arguments
        if (e instanceof ValidationError) throw new UsageError(`node ${a}: ${e.issues.map((i) => `${i.path.replace(/^options\.(set|remove)(\.|\[\d+\])?/, '')}: ${i.message}`).join('; ')}`);
        throw e;
      });
      out.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
      return NODE_EXIT.ok;
    }
    const progress = a === 'drain' && !json ? progressPrinter(err) : undefined;
    const result: NodeOperationResult = await (
      a === 'cordon' ? ops.cordon(nodeName)
        : a === 'uncordon' ? ops.uncordon(nodeName)
          : a === 'drain' ? ops.drain(nodeName, { deleteEmptyDirData: flags['delete-emptydir-data'] === 'true', force: flags.force === 'true', ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}), ...(progress ? { onProgress: progress.update } : {}) }).finally(() => progress?.end())
            : a === 'delete' ? ops.delete(nodeName, { replace: flags.replace === 'true', ...(flags.confirm !== undefined ? { confirm: flags.confirm } : {}) })
              : a === 'exclude-from-autoscaling' ? ops.excludeFromAutoscaling(nodeName)
                : ops.includeInAutoscaling(nodeName));
    out.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
    return NODE_EXIT.ok;
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    const code = e instanceof NodeOperationRefused ? NODE_EXIT.refused
      : e instanceof NodeOperationNotFound ? NODE_EXIT.notFound
        : e instanceof DrainTimeout ? NODE_EXIT.drainTimeout
          : NODE_EXIT.apiError;
    if (e instanceof UsageError) throw e;
    const message = e instanceof NodeOperationError ? e.message : `${a}${nodeName ? ` ${nodeName}` : ''} failed: ${describeApiError(e)}`;
    err.write(`capi-constructs node: ${message}\n`);
    if (e instanceof DrainTimeout && !json) err.write(formatRequests(e.requests, false));
    if (json) {
      const reason = e instanceof NodeOperationError ? e.reason : 'ApiError';
      out.write(`${JSON.stringify({ error: { reason, message, ...(e instanceof DrainTimeout ? { remaining: e.remaining, requests: e.requests } : {}) } }, null, 2)}\n`);
    }
    return code;
  }
}

function formatRequests(requests: NodeOperationResult['requests'], dryRun: boolean): string {
  return requests.map((r) => `  ${dryRun ? 'would send ' : ''}${describeRequest(r)}\n`).join('');
}

function formatResult(r: NodeOperationResult): string {
  // the warnings the JSON output carries (drain: pods no controller recreates)
  const warnings = (r as { warnings?: readonly string[] }).warnings ?? [];
  // label / annotate: what else follows from the change
  const notes = (r as { notes?: readonly string[] }).notes ?? [];
  return `${r.summary}\n${warnings.map((w) => `warning: ${w}\n`).join('')}${notes.map((n) => `note: ${n}\n`).join('')}${formatRequests(r.requests, r.dryRun)}`;
}

/** Rows padded into columns. */
function table(rows: readonly (readonly string[])[], indent: string): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd()).join('\n');
}

function formatList(r: NodeListReport, showIps: boolean): string {
  const lines = [`cluster ${r.cluster.namespace}/${r.cluster.name}, read at Cluster API ${r.apiVersion}`];
  const section = (title: string, groups: NodeListReport['workers']) => {
    lines.push(`${title}:${groups.length ? '' : ' none'}`);
    for (const g of groups) {
      lines.push(`  ${g.kind} ${g.name}`);
      const header = ['NODE', 'MACHINE', 'PHASE', 'READY', 'SCHEDULING', 'AUTOSCALING', 'INFRA', 'VERSION', ...(showIps ? ['IPS'] : [])];
      lines.push(table([header, ...g.nodes.map((n) => [
        n.node ?? '-', n.machine, n.phase ?? '-', n.ready ?? '-', n.schedulingDisabled ? 'Disabled' : '', n.autoscalingForbidden ? 'Forbidden' : '',
        n.infrastructureReady === undefined ? '-' : n.infrastructureReady ? 'Ready' : 'NotReady', n.kubeletVersion ?? '-',
        ...(showIps ? [(n.addresses ?? []).filter((x) => /IP$/.test(x.type)).map((x) => x.address).join(',') || '-'] : []),
      ])], '    '));
    }
  };
  section('Control Plane', r.controlPlane);
  section('Workers', r.workers);
  for (const e of r.errors) lines.push(`warning: ${e}`);
  return `${lines.join('\n')}\n`;
}

/** Drain progress: one line rewritten in place on a terminal, a line per change otherwise. */
function progressPrinter(err: Output): { update(p: DrainProgress): void; end(): void } {
  const tty = (err as { isTTY?: boolean }).isTTY === true;
  let last = '';
  return {
    update(p) {
      const blocked = p.pods.filter((x) => x.blockedBy).map((x) => `${x.namespace}/${x.name} by PodDisruptionBudget ${x.blockedBy}`);
      const line = `drain ${p.node}: ${p.evicted} evicted, ${p.podsLeft} pod${p.podsLeft === 1 ? '' : 's'} left${blocked.length ? `; blocked: ${blocked.join(', ')}` : ''}`;
      if (line === last) return;
      last = line;
      err.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    end() {
      if (tty && last) err.write('\n');
    },
  };
}

function formatConditions(list: NodeReport['node']['conditions']): string {
  return list.length ? list.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ') : 'none reported';
}

function formatReport(r: NodeReport): string {
  const lines = [
    `node ${r.node.name} (${r.role}) of cluster ${r.cluster.namespace}/${r.cluster.name}, read at Cluster API ${r.apiVersion}`,
    `  node:         ${r.node.exists ? 'exists' : 'missing'}; cordoned: ${r.node.cordoned ? 'yes' : 'no'}; excluded from autoscaling: ${r.node.excludedFromAutoscaling ? 'yes' : 'no'}${r.node.kubeletVersion ? `; kubelet ${r.node.kubeletVersion}` : ''}${r.node.providerID ? `; ${r.node.providerID}` : ''}`,
    `    conditions: ${formatConditions(r.node.conditions)}`,
    `  machine:      ${r.machine.name}${r.machine.phase ? `; phase ${r.machine.phase}` : ''}${r.machine.version ? `; ${r.machine.version}` : ''}${r.machine.deleting ? '; being deleted' : ''}${r.machine.markedForDeletion ? '; marked for deletion' : ''}`,
    `    conditions: ${formatConditions(r.machine.conditions)}`,
  ];
  const infra = r.infrastructureMachine;
  if (infra) {
    lines.push(`  infra machine: ${infra.kind} ${infra.name}${infra.apiVersion ? ` (${infra.apiVersion})` : ''}${infra.error ? `: ${infra.error}` : `; ready: ${infra.ready === undefined ? 'unknown' : infra.ready ? 'yes' : 'no'}`}`);
    if (infra.conditions) lines.push(`    conditions: ${formatConditions(infra.conditions)}`);
  }
  for (const g of r.groups) {
    const scale = g.autoscaling ? `autoscaled ${g.autoscaling.min}..${g.autoscaling.max}` : g.autoscaling === null ? 'scaled manually' : '';
    const detail = g.error ? g.error : [g.replicas !== undefined ? `${g.replicas} replicas` : '', g.readyReplicas !== undefined ? `${g.readyReplicas} ready` : '', scale].filter(Boolean).join(', ');
    lines.push(`  group:        ${g.kind} ${g.name}${detail ? `: ${detail}` : ''}`);
  }
  if (r.node.capacity || r.node.allocatable) {
    const res = (m: Readonly<Record<string, string>> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`  resources:    capacity ${res(r.node.capacity) || 'unknown'}`, `                allocatable ${res(r.node.allocatable) || 'unknown'}`);
  }
  const ni = r.networkInterfaces;
  lines.push(`  network interfaces (SR-IOV): ${ni.installed ? (ni.interfaces.length ? ni.interfaces.map((i) => `${i.name}${i.driver ? ` driver ${i.driver}` : ''}${i.numVfs !== undefined ? ` ${i.numVfs} VFs` : ''}${i.totalVfs !== undefined ? ` of ${i.totalVfs}` : ''}`).join(', ') : 'none reported') : 'not installed'}`);
  lines.push(`  pods (${r.pods.length}):`);
  if (r.pods.length) lines.push(table(r.pods.map((p) => [`${p.namespace}/${p.name}`, p.phase ?? '-', p.ownerKind ?? 'no controller']), '    '));
  lines.push(`  events (${r.eventCount}):`);
  if (r.events.length) lines.push(table(r.events.map((e) => [e.lastSeen ?? '-', e.type ?? '-', `${e.object.kind}/${e.object.name}`, e.reason ?? '-', `x${e.count}`, e.message ?? '']), '    '));
  return `${lines.join('\n')}\n`;
}
