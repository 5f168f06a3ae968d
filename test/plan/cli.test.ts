/**
 * `capi-constructs plan` end to end: the previous state from a git revision of a temporary repository
 * (git init in os.tmpdir, commit a dist, change it, run the CLI) and from a directory; exit codes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli';
import { PLAN_EXIT } from '../../lib/cli/plan';
import { formatPlan, planFleet, writeFleet } from '../../lib';
import { clusterSpec, docker, manifestsOf, nextFleet, previousFleet } from './fixtures';

function capture() {
  let text = '';
  return { write: (s: string) => { text += s; return true; }, get text() { return text; } };
}

async function plan(...args: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(['plan', ...args], out, err);
  return { code, stdout: out.text, stderr: err.text };
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('capi-constructs plan', () => {
  let repo: string;
  let dist: string;

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-plan-'));
    git(repo, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'README.md'), 'fleet\n');
    git(repo, 'add', 'README.md');
    git(repo, 'commit', '-q', '-m', 'no dist yet');
    dist = path.join(repo, 'dist');
    writeFleet(dist, previousFleet());
    git(repo, 'add', 'dist');
    git(repo, 'commit', '-q', '-m', 'previous fleet');
    writeFleet(dist, nextFleet()); // synthesized, not committed
  });

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('--previous HEAD reads dist/ from git (git ls-tree + git show) and prints the plan; rejected changes exit 2', async () => {
    const r = await plan('--previous', 'HEAD', '--next', dist);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(formatPlan(planFleet(manifestsOf(previousFleet()), manifestsOf(nextFleet()))));
    expect(r.code).toBe(PLAN_EXIT.rejected);
    expect(r.code).toBe(2);
  });

  test('--output json prints the plan object', async () => {
    const r = await plan('--previous', 'main', '--next', dist, '--output', 'json');
    const json = JSON.parse(r.stdout);
    expect(json.totals).toEqual(planFleet(manifestsOf(previousFleet()), manifestsOf(nextFleet())).totals);
    expect(json.clusters.map((c: { cluster: { name: string } }) => c.cluster.name)).toEqual(['edge', 'old', 'prod', 'stage']);
  });

  test('a revision without dist/ plans every object as created', async () => {
    const r = await plan('--previous', 'HEAD~1', '--next', dist, '--output', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.clusters.map((c: { status: string }) => c.status)).toEqual(['created', 'created', 'created']);
  });

  test('the git path is that of --next inside its repository (a nested output directory)', async () => {
    const nested = path.join(repo, 'deploy', 'out');
    writeFleet(nested, [clusterSpec()]);
    git(repo, 'add', 'deploy');
    git(repo, 'commit', '-q', '-m', 'nested');
    writeFleet(nested, [clusterSpec({ workers: [{ name: 'md', machineTemplate: docker('kindest/node:v1.31.5'), scaling: { replicas: 3 } }] })]);
    const r = await plan('--previous', 'HEAD', '--next', nested);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('workers MachineDeployment tenants/prod-md: 3 machines replaced');
    expect(r.stdout).toMatch(/Plan: 0 rejected, 1 roll \(3 machines\)/);
    // --fail-on rolls gates on rollouts
    expect((await plan('--previous', 'HEAD', '--next', nested, '--fail-on', 'rolls')).code).toBe(PLAN_EXIT.rolls);
  });

  test('--previous <dir> reads a directory', async () => {
    const prev = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-plan-prev-'));
    try {
      writeFleet(path.join(prev, 'dist'), nextFleet());
      const r = await plan('--previous', path.join(prev, 'dist'), '--next', dist);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Plan: 0 rejected, 0 rolls/);
      // the same without rolls: --fail-on rolls passes
      expect((await plan('--previous', path.join(prev, 'dist'), '--next', dist, '--fail-on', 'rolls')).code).toBe(0);
    } finally {
      fs.rmSync(prev, { recursive: true, force: true });
    }
  });

  test.each([
    [['--next', '/nonexistent'], /missing --previous/],
    [['--previous', 'no-such-rev'], /is neither a directory nor a git revision/],
    [['--previous', 'HEAD', '--output', 'yaml'], /--output must be text or json/],
    [['--previous', 'HEAD', '--fail-on', 'deletes'], /--fail-on accepts rolls, upgrade-order/],
    [['--previous', 'HEAD', '--next', '/nonexistent-dir'], /is not a directory/],
    [['--previous', 'HEAD', '--bogus'], /unknown option --bogus/],
  ])('usage error %j exits 64 with one line that points to the usage', async (args, message) => {
    const r = await plan(...args, ...(args.includes('--next') ? [] : ['--next', dist]));
    expect(r.code).toBe(PLAN_EXIT.usage);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^capi-constructs plan: .* \(usage: capi-constructs plan --help\)\n$/);
  });

  test('invalid YAML in a file is an input error (exit 64) naming the file', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-plan-bad-'));
    try {
      fs.writeFileSync(path.join(bad, 'x.k8s.yaml'), 'a: [\n');
      const r = await plan('--previous', bad, '--next', dist);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/x\.k8s\.yaml#0/);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});
