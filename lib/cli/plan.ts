/**
 * `capi-constructs plan`: what applying the next manifests over the previous ones will have rejected,
 * roll, delete or scale, and change in place (lib/core/plan, docs/day-2.md).
 *
 * Exit codes (the CLI's table, lib/cli/args.ts EXIT): 0 nothing rejected; 2 rejected changes; 3 rollouts
 * with `--fail-on rolls`, or worker upgrades out of order with `--fail-on upgrade-order` (and nothing
 * rejected); 1 the management cluster's API failed (`--kubeconfig`); 64 usage error or unreadable input
 * (bad flag, missing directory, unknown git revision, invalid or unbounded YAML); 78 a kubeconfig that
 * cannot be loaded, or `@kubernetes/client-node` not installed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../core/rules/errors';
import { formatPlan, groupKind, parseManifestFile, planFleet, planJson } from '../core/plan';
import { LABEL_CLUSTER_NAME } from '../core/output/api-versions';
import { Manifest } from '../core/output/manifest';
import { OPS_PEERS, requireRuntimePeers } from '../core/rules/runtime-peers';
import { Command, ConfigError, EXIT, Output, parseFlags, UsageError } from './args';
import { loadKubeconfig } from './kubeconfig';

export const PLAN_EXIT = { ok: EXIT.ok, usage: EXIT.usage, rejected: EXIT.rejected, rolls: EXIT.refused, upgradeOrder: EXIT.refused } as const;

const FAIL_ON = ['rolls', 'upgrade-order'] as const;

const USAGE = `  capi-constructs plan --previous <dir | git revision> [--next <dir, default dist>] [--output <text|json>] [--fail-on <rolls|upgrade-order>[,...]] [--kubeconfig <file>]
      Show what applying --next over --previous rejects, rolls, deletes, scales, changes in place and upgrades.
      A git revision is read from the same repository and path as --next (git show <rev>:<path>/<file>).
      --kubeconfig reads the control planes' live versions from the management cluster to order worker upgrades.
      Exit 0: nothing rejected; 2: rejected changes; 3: rollouts with --fail-on rolls, or worker upgrades out of order
      with --fail-on upgrade-order; 1: the management cluster's API failed; 64: usage error or unreadable input;
      78: unusable kubeconfig or @kubernetes/client-node not installed.`;

const isManifestFile = (f: string) => f.endsWith('.yaml') || f.endsWith('.yml');

/** Every *.yaml / *.yml file below `dir`, sorted, as [relative path, content]. */
export function readManifestDir(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && isManifestFile(e.name)) out.push([r, fs.readFileSync(path.join(dir, r), 'utf8')]);
    }
  };
  walk('');
  return out;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
}

/**
 * The manifest files of `dir` as of git revision `rev`: `git ls-tree` lists the files under the
 * path of `dir` in its repository, `git show <rev>:<path>` reads each. A revision without that
 * directory yields no files (everything is new).
 */
export function readManifestRevision(dir: string, rev: string): [string, string][] {
  let top: string;
  try {
    top = git(dir, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new UsageError(`--previous ${JSON.stringify(rev)} is not a directory, and ${dir} is not inside a git repository`);
  }
  try {
    git(top, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    throw new UsageError(`--previous ${JSON.stringify(rev)} is neither a directory nor a git revision of ${top}`);
  }
  const rel = path.relative(fs.realpathSync(top), fs.realpathSync(dir)).split(path.sep).join('/');
  const prefix = rel === '' ? '' : `${rel}/`;
  const files = git(top, ['ls-tree', '-r', '-z', '--name-only', rev, '--', prefix === '' ? '.' : prefix]).split('\0').filter((f) => f !== '' && isManifestFile(f));
  return files.sort().map((f) => [f.slice(prefix.length), git(top, ['show', `${rev}:${f}`])]);
}

function parseAll(files: [string, string][], where: string): unknown[] {
  return files.flatMap(([f, content]) => parseManifestFile(`${where}/${f}`, content));
}

/** The KubeadmControlPlanes of `next`, to read their live versions. */
function controlPlanesOf(next: readonly unknown[]) {
  return (next as Manifest[]).filter((m) => m && typeof m === 'object' && typeof m.apiVersion === 'string' && m.metadata && groupKind(m) === 'control-plane')
    .map((m) => ({
      cluster: m.metadata.labels?.[LABEL_CLUSTER_NAME] ?? String((m.spec as { clusterName?: unknown } | undefined)?.clusterName ?? m.metadata.name.replace(/-control-plane$/, '')),
      namespace: m.metadata.namespace ?? 'default', name: m.metadata.name, apiVersion: m.apiVersion,
    }));
}

async function liveVersions(kubeconfig: string, next: readonly unknown[]): Promise<Map<string, string>> {
  // the runtime packages are optional peers: loaded only when --kubeconfig asks for the live versions
  try {
    requireRuntimePeers('capi-constructs plan --kubeconfig', OPS_PEERS);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const { KubeConfig } = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
  const { readControlPlaneVersions } = require('../ops') as typeof import('../ops');
  const { describeApiError } = require('../ops/api-errors') as typeof import('../ops/api-errors');
  const kc = loadKubeconfig(kubeconfig, (file) => {
    const c = new KubeConfig();
    if (file === undefined) c.loadFromDefault();
    else c.loadFromFile(file);
    return c;
  });
  try {
    return await readControlPlaneVersions(kc, controlPlanesOf(next));
  } catch (e) {
    // an API failure: exit 1 under the CLI's table
    throw new Error(`cannot read the control planes' versions from the management cluster of ${kubeconfig}: ${describeApiError(e)}`);
  }
}

async function runPlan(args: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(args, ['previous', 'next', 'output', 'fail-on', 'kubeconfig']);
  if (flags.previous === undefined) throw new UsageError('missing --previous (a directory or a git revision)');
  const output = flags.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, got ${JSON.stringify(output)}`);
  const failOn = flags['fail-on'] === undefined ? [] : flags['fail-on'].split(',');
  for (const f of failOn) {
    if (!(FAIL_ON as readonly string[]).includes(f)) throw new UsageError(`--fail-on accepts ${FAIL_ON.join(', ')} (comma-separated), got ${JSON.stringify(flags['fail-on'])}`);
  }
  const nextDir = path.resolve(flags.next ?? 'dist');
  if (!fs.existsSync(nextDir) || !fs.statSync(nextDir).isDirectory()) throw new UsageError(`--next ${nextDir} is not a directory (synthesize first, e.g. cdk8s synth)`);
  const prevIsDir = fs.existsSync(flags.previous) && fs.statSync(flags.previous).isDirectory();
  const previous = prevIsDir
    ? parseAll(readManifestDir(path.resolve(flags.previous)), flags.previous)
    : parseAll(readManifestRevision(nextDir, flags.previous), flags.previous);
  const next = parseAll(readManifestDir(nextDir), flags.next ?? 'dist');
  const reportedControlPlaneVersions = flags.kubeconfig === undefined ? undefined : await liveVersions(flags.kubeconfig, next);
  const plan = planFleet(previous, next, { reportedControlPlaneVersions });
  out.write(output === 'json' ? planJson(plan) : formatPlan(plan));
  if (plan.totals.rejected > 0) return PLAN_EXIT.rejected;
  if (failOn.includes('upgrade-order') && plan.totals.outOfOrder > 0) return PLAN_EXIT.upgradeOrder;
  if (failOn.includes('rolls') && plan.totals.rolls > 0) return PLAN_EXIT.rolls;
  return PLAN_EXIT.ok;
}

export const plan: Command = {
  usage: USAGE,
  async run(args, out, err) {
    try {
      return await runPlan(args, out);
    } catch (e) {
      // usage errors go to the CLI (one line, exit 64); an unreadable file is one too, named with its problems
      if (e instanceof ValidationError) {
        err.write(`capi-constructs plan: ${e.subject}: ${e.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}\n`);
        return PLAN_EXIT.usage;
      }
      throw e;
    }
  },
};
