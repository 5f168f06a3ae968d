/**
 * One benchmark configuration, run in its own process by bench/fleet.ts so that peak RSS belongs to
 * that configuration alone. Usage: `node --import tsx bench/worker.ts <mode> <clusters>`.
 * Prints one JSON line: objects, build/synth/total milliseconds, peak RSS, and a hash of the output.
 *
 * Every mode gets its input ready before the clock starts: the library modes their ClusterSpecs (the
 * fleet generator is the bench's, not the library's), the raw modes the objects' data, rendered by the
 * library up front. The clock measures turning that input into output.
 *
 * Modes (lib = this library, raw = the same objects as plain cdk8s ApiObjects or Pulumi resources):
 * - naive, naive-raw: one `Chart` per cluster (cdk8s's O(N²) path), App.synth();
 * - fleet: `addFleet` (one ClusterChart per cluster); fleet-natural: one `FleetChart` per cluster
 *   with the Cluster/ControlPlaneGroup/WorkerGroup constructs; fleet-raw: ApiObjects in one FleetChart per cluster;
 * - fleetapp: `FleetApp` + addFleet (the recommended layout); fleetapp-natural: `FleetApp` + one plain
 *   Chart per cluster with the constructs; fleetapp-raw: ApiObjects in one plain Chart per cluster under FleetApp;
 * - one-raw: every ApiObject in a single Chart (one file), the layout the issue compares against;
 * - <layout>-raw-built (fleetapp-raw-built, fleet-raw-built): as <layout>-raw, but each object's data is
 *   built inside the clock (a plain deep copy of the prebuilt data, as a raw program's object literals
 *   are built while it runs), so that its allocation and the garbage collector's cost of keeping it
 *   until synthesis are timed, as they are in the library modes. <layout>-raw leaves both out: the
 *   strict baseline;
 * - core: `writeFleet` with its defaults (no construct tree; from PARALLEL_MIN_CLUSTERS clusters on, render
 *   threads render, serialize and write while the calling thread dispatches and collects); core-threads:
 *   `writeFleet` with `parallel: true` (the threads at any size); core-inline: `parallel: false` (one thread); core-memory: `renderFleet`,
 *   the same YAML kept in memory (what the core render costs without the file system, whose speed
 *   varies a lot on a shared VM);
 * - floor-yaml, floor-json: the serialization floor. The same objects as the raw modes, rendered up
 *   front; the clock times only turning them into text, cluster by cluster: the library's YAML writer
 *   (`stringifyManifests`, the bytes every mode writes) resp. `JSON.stringify`. No files, no tree;
 * - pulumi, pulumi-raw: Pulumi components / bare CustomResources under runtime mocks.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../lib/cdk8s';
import { emit } from '../lib/cdk8s/emit';
import { addFleet, FleetApp, FleetChart } from '../lib/cdk8s/fleet';
import { clusterFileName, ClusterSpec, renderClusters, renderFleet } from '../lib/core/fleet/render';
import { stringifyManifests } from '../lib/core/output/yaml';
import { writeFleet } from '../lib/core/fleet/write-fleet';
import { Manifest } from '../lib/core/output/manifest';
import { describeFleet, fleetSpecs } from './fleet-gen';

process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';

export interface WorkerResult {
  mode: string;
  clusters: number;
  objects: number;
  buildMs: number;
  synthMs: number;
  totalMs: number;
  /** User + system CPU time of the timed part, all threads of the process (less sensitive than wall time to other load on the machine). */
  cpuMs: number;
  maxRssMiB: number;
  outputHash?: string;
}

/** The natural code: the constructs, one after the other, in a chart. */
function buildNatural(chart: Construct, spec: ClusterSpec): number {
  const cluster = new Cluster(chart, 'cluster', spec.cluster);
  let n = cluster.apiObjects.length;
  n += new ControlPlaneGroup(chart, 'control-plane', { ...spec.controlPlane, cluster }).apiObjects.length;
  for (const w of spec.workers ?? []) n += new WorkerGroup(chart, `workers-${w.name}`, { ...w, cluster }).apiObjects.length;
  for (const c of spec.components ?? []) n += emit(new Construct(chart, c.id), c.subject ?? c.id, c.render(cluster)).length;
  return n + cluster.clusterAutoscalerObjects.length;
}

/**
 * A deep copy of JSON data: what building it costs a program (allocation, and the garbage collector
 * keeping it), about what object literals cost; a little more, as it reads the keys of the original.
 */
function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plainCopy);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = plainCopy((value as Record<string, unknown>)[k]);
  return out;
}

interface Input {
  /** The library modes' input: the fleet's ClusterSpecs. */
  readonly specs: readonly ClusterSpec[];
  /** The raw modes' input: the same objects as plain data, per cluster, rendered up front. */
  readonly pre?: { name: string; manifests: Manifest[] }[];
}

/** A mode's input, made before its clock starts. */
function inputFor(n: number, raw: boolean): Input {
  if (!raw) return { specs: fleetSpecs(n) };
  const pre = renderClusters(fleetSpecs(n)).map((rc) => ({ name: rc.ref.name, manifests: structuredClone(rc.parts.flatMap((p) => p.manifests)) }));
  return { specs: [], pre };
}

/**
 * Before the clock starts: a full garbage collection (with `--expose-gc`, as bench/fleet.ts runs this
 * file), so that the garbage of making the input is gone, then the kernel's peak-RSS mark of this
 * process is reset (Linux: `5` to /proc/self/clear_refs). The peak read when the clock stops
 * ({@link peakRssKiB}) is then the mode's: its input (the specs or objects it is given, still alive)
 * plus what it allocates, not what building the input left behind. False where the mark cannot be
 * reset; the peak is then the process's whole life (`process.resourceUsage().maxRSS`).
 */
function resetPeakRss(): boolean {
  (globalThis as { gc?: () => void }).gc?.();
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return peakRssKiB() !== undefined;
  } catch {
    return false;
  }
}

/** VmHWM of /proc/self/status, in KiB: the peak RSS since the process started or the mark was reset. */
function peakRssKiB(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** {@link hashFiles} of a directory, reading one file at a time (10,000 files held at once would be the bench's peak RSS, not the mode's). */
function hashDir(dir: string): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir).sort(byName)) {
    h.update(f);
    h.update(fs.readFileSync(path.join(dir, f)));
  }
  return h.digest('hex').slice(0, 16);
}

/** The YAML documents of every file of `dir` (the library's writer separates them by a `---` line). */
function countDocuments(dir: string): number {
  let n = 0;
  for (const f of fs.readdirSync(dir)) n += fs.readFileSync(path.join(dir, f), 'utf8').split(/^---$/m).length;
  return n;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Hash of (file name, content) pairs in name order: the same for a directory and for the same files in memory. */
function hashFiles(files: [string, string | Buffer][]): string {
  const h = createHash('sha256');
  for (const [f, content] of files.sort((a, b) => byName(a[0], b[0]))) {
    h.update(f);
    h.update(content);
  }
  return h.digest('hex').slice(0, 16);
}

async function pulumiRun(n: number, raw: boolean): Promise<{ objects: number; buildMs: number; synthMs: number; cpuMs: number }> {
  const pulumi = await import('@pulumi/pulumi');
  let registered = 0;
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      if (args.type.startsWith('kubernetes:')) registered++;
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  }, 'bench', 'bench', false);
  const k8s = await import('@pulumi/kubernetes');
  const pl = await import('../lib/pulumi');
  const emitter = await import('../lib/pulumi/emit');
  const { pre, specs } = inputFor(n, raw);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (pre) {
    for (const c of pre) for (const m of c.manifests) emitter.newResource(m, {});
  } else {
    for (const spec of specs) {
      const cluster = new pl.Cluster(`${spec.cluster.name}`, spec.cluster);
      new pl.ControlPlaneGroup(`${spec.cluster.name}-control-plane`, { ...spec.controlPlane, cluster }, { parent: cluster });
      for (const w of spec.workers ?? []) new pl.WorkerGroup(`${spec.cluster.name}-${w.name}`, { ...w, cluster }, { parent: cluster });
      for (const c of spec.components ?? []) {
        const comp = new pulumi.ComponentResource('bench:index:Addon', `${spec.cluster.name}-${c.id}`, {}, { parent: cluster });
        emitter.registerManifests(comp, c.render(cluster).manifests, undefined);
      }
    }
  }
  void k8s;
  const t1 = performance.now();
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs;
  await waitForRPCs();
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { objects: registered, buildMs: t1 - t0, synthMs: t2 - t1, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main(): Promise<void> {
  const [mode, nArg] = process.argv.slice(2);
  const n = Number(nArg);
  if (!mode || !Number.isInteger(n) || n < 1) throw new Error('usage: worker.ts <mode> <clusters>');
  // loads the provider and add-on modules the fleet uses (and probes them) before any clock starts:
  // a program imports its modules before it builds anything, in every mode alike
  describeFleet();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `capi-bench-${mode}-`));
  const out = path.join(outdir, 'dist');
  let objects = 0;
  let buildMs = 0;
  let synthMs = 0;
  let hash: string | undefined;
  let cpu0: NodeJS.CpuUsage | undefined;
  let cpuMs = 0;
  // the peak RSS is that of the timed part: reset when the clock starts (see resetPeakRss), read when it
  // stops (hashing the output afterwards is the bench's work, not the mode's)
  let peakReset = false;
  const startCpu = () => { peakReset = resetPeakRss(); cpu0 = process.cpuUsage(); };
  let maxRss: number | undefined;
  const stopCpu = () => { const d = process.cpuUsage(cpu0); cpuMs = (d.user + d.system) / 1000; maxRss = (peakReset ? peakRssKiB() : undefined) ?? process.resourceUsage().maxRSS; };
  try {
    if (mode === 'pulumi' || mode === 'pulumi-raw') {
      ({ objects, buildMs, synthMs, cpuMs } = await pulumiRun(n, mode === 'pulumi-raw'));
    } else if (mode === 'floor-yaml' || mode === 'floor-json') {
      const { pre } = inputFor(n, true);
      const files: [string, string][] = [];
      let bytes = 0;
      startCpu();
      const t0 = performance.now();
      if (mode === 'floor-yaml') {
        // the text is hashed below (outside the clock) only for the byte-identity check
        for (const c of pre!) files.push([clusterFileName(c.name), stringifyManifests(c.manifests)]);
      } else {
        for (const c of pre!) bytes += JSON.stringify(c.manifests).length;
      }
      const t1 = performance.now();
      stopCpu();
      synthMs = t1 - t0;
      objects = pre!.reduce((k, c) => k + c.manifests.length, 0);
      if (mode === 'floor-yaml') hash = hashFiles(files);
      void bytes;
    } else if (mode === 'core' || mode === 'core-threads' || mode === 'core-inline' || mode === 'core-memory') {
      // build: none (no construct tree); synth: render (and write) the YAML
      const { specs } = inputFor(n, false);
      startCpu();
      const t0 = performance.now();
      const written = mode === 'core-memory' ? undefined : writeFleet(out, specs, mode === 'core' ? {} : { parallel: mode === 'core-threads' });
      const inMemory = written ? undefined : renderFleet(specs);
      const t1 = performance.now();
      stopCpu();
      objects = (written ?? inMemory!).objectCount;
      if (inMemory) hash = hashFiles([...inMemory.files]);
      synthMs = t1 - t0;
    } else {
      const raw = /^(naive|fleetapp|fleet|one)-raw(-built)?$/.exec(mode);
      const { pre, specs } = inputFor(n, raw !== null);
      const app = mode.startsWith('fleetapp') ? new FleetApp({ outdir: out }) : new App({ outdir: out });
      startCpu();
      const t0 = performance.now();
      if (mode === 'naive' || mode === 'fleetapp-natural') {
        for (const spec of specs) objects += buildNatural(new Chart(app, spec.cluster.name), spec);
      } else if (mode === 'fleet-natural') {
        for (const spec of specs) objects += buildNatural(new FleetChart(app, spec.cluster.name), spec);
      } else if (mode === 'fleet' || mode === 'fleetapp') {
        // the objects are counted in the output below: reading a ClusterChart's `parts` creates its objects
        addFleet(app, specs);
      } else if (raw && pre) {
        const [, layout, built] = raw;
        const one = layout === 'one' ? new Chart(app, 'fleet') : undefined;
        for (const c of pre) {
          const chart = one ?? (layout === 'fleet' ? new FleetChart(app, c.name) : new Chart(app, c.name));
          for (const m of c.manifests) new ApiObject(chart, `${c.name}-${m.kind}-${m.metadata.name}`, built ? plainCopy(m) as Manifest : m);
          objects += c.manifests.length;
        }
      } else {
        throw new Error(`unknown mode ${mode}`);
      }
      const t1 = performance.now();
      app.synth();
      const t2 = performance.now();
      stopCpu();
      buildMs = t1 - t0;
      synthMs = t2 - t1;
      if (mode === 'fleet' || mode === 'fleetapp') objects = countDocuments(out);
    }
    if (!hash && fs.existsSync(out)) hash = hashDir(out);
  } finally {
    // removing 10,000 files makes the file system slow to create files for seconds after (ext4 with
    // discard): bench/fleet.ts gives a directory to move the output to and removes it when all runs are done
    if (process.env.BENCH_TRASH) fs.renameSync(outdir, path.join(process.env.BENCH_TRASH, path.basename(outdir)));
    else fs.rmSync(outdir, { recursive: true, force: true });
  }
  const result: WorkerResult = {
    mode, clusters: n, objects, buildMs: Math.round(buildMs), synthMs: Math.round(synthMs), totalMs: Math.round(buildMs + synthMs), cpuMs: Math.round(cpuMs),
    maxRssMiB: Math.round((maxRss ?? process.resourceUsage().maxRSS) / 1024), outputHash: hash,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
