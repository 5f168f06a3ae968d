/**
 * `capi-constructs plan`: what applying the next manifests over the previous ones will have rejected,
 * roll, delete or scale, and change in place (lib/core/plan, docs/day-2.md).
 *
 * Exit codes (the CLI's table, lib/cli/args.ts EXIT): 0 nothing rejected; 2 rejected changes; 3 rollouts
 * with `--fail-on rolls` (and nothing rejected); 64 usage error or unreadable input (bad flag, missing
 * directory, unknown git revision, invalid or unbounded YAML).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../core/rules/errors';
import { formatPlan, parseManifestFile, planFleet, planJson } from '../core/plan';
import { Command, EXIT, Output, parseFlags, UsageError } from './args';

export const PLAN_EXIT = { ok: EXIT.ok, usage: EXIT.usage, rejected: EXIT.rejected, rolls: EXIT.refused } as const;

const USAGE = `  capi-constructs plan --previous <dir | git revision> [--next <dir, default dist>] [--output <text|json>] [--fail-on rolls]
      Show what applying --next over --previous rejects, rolls, deletes, scales and changes in place.
      A git revision is read from the same repository and path as --next (git show <rev>:<path>/<file>).
      Exit 0: nothing rejected; 2: rejected changes; 3: rollouts with --fail-on rolls; 64: usage error or unreadable input.`;

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

function runPlan(args: readonly string[], out: Output): number {
  const flags = parseFlags(args, ['previous', 'next', 'output', 'fail-on']);
  if (flags.previous === undefined) throw new UsageError('missing --previous (a directory or a git revision)');
  const output = flags.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, got ${JSON.stringify(output)}`);
  if (flags['fail-on'] !== undefined && flags['fail-on'] !== 'rolls') throw new UsageError(`--fail-on accepts only rolls, got ${JSON.stringify(flags['fail-on'])}`);
  const nextDir = path.resolve(flags.next ?? 'dist');
  if (!fs.existsSync(nextDir) || !fs.statSync(nextDir).isDirectory()) throw new UsageError(`--next ${nextDir} is not a directory (synthesize first, e.g. cdk8s synth)`);
  const prevIsDir = fs.existsSync(flags.previous) && fs.statSync(flags.previous).isDirectory();
  const previous = prevIsDir
    ? parseAll(readManifestDir(path.resolve(flags.previous)), flags.previous)
    : parseAll(readManifestRevision(nextDir, flags.previous), flags.previous);
  const next = parseAll(readManifestDir(nextDir), flags.next ?? 'dist');
  const plan = planFleet(previous, next);
  out.write(output === 'json' ? planJson(plan) : formatPlan(plan));
  if (plan.totals.rejected > 0) return PLAN_EXIT.rejected;
  if (flags['fail-on'] === 'rolls' && plan.totals.rolls > 0) return PLAN_EXIT.rolls;
  return PLAN_EXIT.ok;
}

export const plan: Command = {
  usage: USAGE,
  run(args, out, err) {
    try {
      return runPlan(args, out);
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
