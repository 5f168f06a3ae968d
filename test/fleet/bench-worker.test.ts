/**
 * The benchmark compares layouts only if they write the same files: every bench/worker.ts mode that
 * writes cdk8s output, the raw baselines included, must produce the same bytes for the same fleet.
 * (`npm run bench` checks this too, but only when someone runs it.)
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const N = 3;

interface WorkerLine { mode: string; objects: number; outputHash?: string; buildMs: number; synthMs: number }

function runWorker(mode: string): WorkerLine {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'worker.ts'), mode, String(N)], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench worker ${mode} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('bench/worker.ts', () => {
  const modes = ['fleetapp', 'fleetapp-natural', 'fleet', 'fleetapp-raw', 'fleetapp-raw-built', 'fleet-raw-built', 'core', 'core-threads', 'core-inline', 'core-memory', 'floor-yaml'];
  let results: WorkerLine[];
  beforeAll(() => {
    results = modes.map(runWorker);
  }, 120_000);

  test('every layout and baseline writes the same files for the same fleet', () => {
    const hashes = new Set(results.map((r) => r.outputHash));
    expect(results.every((r) => typeof r.outputHash === 'string' && r.outputHash.length === 16)).toBe(true);
    expect([...hashes]).toHaveLength(1);
  });

  test('every mode counts the same objects: 39 per cluster (the infrastructure cluster, 5 component objects: Calico, the cloud controller manager, its credentials ClusterResourceSet, and the cluster-autoscaler\'s HelmRepository and HelmRelease for the autoscaled group)', () => {
    for (const r of results) expect({ mode: r.mode, objects: r.objects }).toEqual({ mode: r.mode, objects: 39 * N });
  });

  test('the core modes time no construct building', () => {
    for (const r of results.filter((x) => x.mode.startsWith('core'))) expect(r.buildMs).toBe(0);
  });

  test('an unknown mode fails with the usage, not a result', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'worker.ts'), 'fleetapp-raw-bogus', String(N)], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
  });
});
