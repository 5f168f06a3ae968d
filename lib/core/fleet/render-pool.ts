/**
 * The parallel fleet render: `writeFleet` and `forEachClusterOutput` on render threads
 * (render-worker.ts), with the calling thread only dispatching and collecting.
 *
 * - Dispatch: the specs go to the threads in fleet order, in batches of {@link BATCH_SIZE} clusters
 *   (portable-spec.ts; a value shared by the specs of a batch stays shared), at most
 *   {@link BATCHES_IN_FLIGHT} batches per thread, so memory does not grow with the fleet. A spec that
 *   is not portable (a hand-written component or machine template, ...) is rendered on the calling
 *   thread, in its turn, and its objects are handed to a thread to write.
 * - Collect: the results are taken in fleet order and go through exactly the fleet rules of
 *   {@link forEachCluster} (a cluster's problems under `clusters[i]`, unique cluster names, `use` only
 *   while no problem was found, every problem thrown together at the end), so the ValidationError of
 *   an invalid fleet is the one of the single-thread path. Once a problem is found, the threads still
 *   validate, but write and serialize nothing more.
 * - The calling thread stays synchronous: it waits on a shared counter (Atomics.wait) and takes the
 *   threads' answers with `receiveMessageOnPort`. A thread that fails (also one whose module cannot be
 *   loaded) is an error; one that makes no progress for {@link STALL_MS} too, never a hang.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Problems, show, ValidationError, Warning } from '../rules/errors';
import { Manifest } from '../output/manifest';
import { stringifyManifests } from '../output/yaml';
import { SpecEncoder } from './portable-spec';
import { clusterFileName, ClusterSpec, renderClusterSpec, RenderedCluster } from './render';
import { isJsonExact } from './thread-writer';
import { ClusterResult, FAILED, PROGRESS, RenderAnswer, RenderRequest, RenderThreadData, STOP, ThreadError } from './render-protocol';

/**
 * Fleets of at least this many clusters are rendered on render threads (on a machine with more than one
 * CPU) unless told otherwise. Below it one thread is faster: each render thread has to start (load the
 * library: 50-70 ms from the published JavaScript, about 250 ms from TypeScript through tsx) and warm up
 * (its first few hundred clusters run in V8's interpreter), and on a 2-vCPU VM two busy threads each run
 * about 1.3x slower than one alone. Measured there (docs/performance.md): `writeFleet` of 1,000 clusters
 * 1.2-1.3 s on one thread, 1.6 s on two; 3,000 clusters about even; 10,000 clusters 10.7 s on one, 8.6 s on two.
 */
export const PARALLEL_MIN_CLUSTERS = 3000;
/** Clusters per message to a thread. */
export const BATCH_SIZE = 4;
/** Batches sent to a thread and not yet answered, at most. */
export const BATCHES_IN_FLIGHT = 4;
/** Clusters dispatched and not yet collected, at most, per thread: how far a thread may run ahead of the one the calling thread waits for. */
export const AHEAD_PER_THREAD = 48;
/** Render threads at most (and never more than the machine's CPUs). */
export const MAX_RENDER_THREADS = 4;
/**
 * A render thread's young generation, in MB (V8's default is several times larger). What a thread
 * allocates for a cluster is garbage once its file is written; with the default, each thread's heap
 * grew with the fleet (its old generation collected late): peak RSS of `writeFleet` at 10,000 clusters
 * was 435-470 MiB, with 8 MB 340-350 MiB, for about the same time. Only the young generation is
 * limited: a limit on the old one would end a thread on a large cluster.
 */
export const RENDER_YOUNG_GENERATION_MB = 8;
/** Without an answer of the render threads for this long, the render fails instead of waiting forever. */
const STALL_MS = 120_000;

/** How many render threads a parallel render uses here: min(available CPUs, {@link MAX_RENDER_THREADS}). */
export function renderThreadCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), MAX_RENDER_THREADS));
}

let moduleOverride: string | undefined;

/** For the library's tests: load the render threads from `file` instead (undefined: the real module). */
export function setRenderThreadModule(file: string | undefined): void {
  moduleOverride = file;
}

/**
 * The render thread's bootstrap: the compiled module next to this one (the published package,
 * `build/`), or, when the library runs from its TypeScript sources (its own tests and benchmarks),
 * the source module loaded through tsx. A module that fails to load reports it like any failure.
 */
function threadSource(): string | undefined {
  let load: string;
  const js = moduleOverride ?? path.join(__dirname, 'render-worker.js');
  if (moduleOverride !== undefined || fs.existsSync(js)) load = `require(${JSON.stringify(js)});`;
  else {
    const ts = path.join(__dirname, 'render-worker.ts');
    // not a literal: a bundler must not try to include tsx (a bundled program has neither file and renders inline)
    const loader = 'tsx/cjs/api';
    let tsx: string;
    try {
      if (!fs.existsSync(ts)) return undefined;
      tsx = require.resolve(loader);
    } catch {
      return undefined;
    }
    load = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(ts)});`;
  }
  return `try { ${load} } catch (e) {
  const { workerData } = require('worker_threads');
  const c = new Int32Array(workerData.state);
  Atomics.store(c, ${FAILED}, 1);
  workerData.port.postMessage({ t: 'failed', error: { message: 'a render thread could not start: ' + (e && e.message) } });
  Atomics.add(c, ${PROGRESS}, 1); Atomics.notify(c, ${PROGRESS});
}`;
}

/**
 * Whether render threads can start here: their module is next to this one (the published package) or
 * loadable from the sources. A bundled program (esbuild, webpack) has neither and renders on the
 * calling thread, with the same output.
 */
export function renderThreadsAvailable(): boolean {
  return threadSource() !== undefined;
}

/** A valid cluster, as the parallel render hands it on, in fleet order. */
export interface CollectedCluster<O = unknown> {
  readonly index: number;
  readonly file: string;
  readonly objectCount: number;
  readonly warnings: readonly { readonly subject: string; readonly warning: Warning }[];
  /** `output` mode: the cluster's compact form. */
  readonly output?: O;
}

interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** Batches sent and not yet answered. */
  batches: number;
  /** Files sent to write and not yet answered. */
  writes: number;
}

/** One cluster between dispatch and collection. */
interface Slot {
  /** Not in the list (a hole): skipped, as Array.prototype.forEach skips it. */
  readonly hole?: boolean;
  readonly spec?: unknown;
  /** Reading the spec from the list threw this. */
  readonly readError?: { readonly e: unknown };
  /** The thread it went to; undefined: rendered on the calling thread. */
  readonly thread?: number;
  result?: ClusterResult;
}

function asError(t: ThreadError, prefix = ''): Error {
  const e = new Error(prefix + t.message) as NodeJS.ErrnoException;
  if (t.code) e.code = t.code;
  if (t.syscall) e.syscall = t.syscall;
  if (t.stack) e.stack = t.stack;
  return e;
}

/** Options of {@link renderInParallel}. */
export interface ParallelRenderOptions<O = unknown> {
  readonly mode: 'write' | 'output';
  /**
   * `output` mode: the compact form of a cluster rendered here (`local`), and of what a thread sent
   * (`remote`, undefined when the thread could not send it whole: then the cluster is rendered here).
   */
  readonly output?: { local(rc: RenderedCluster, index: number): O; remote(sent: unknown): O | undefined };
  /** `write` mode: the (new, empty) directory the files are written to. */
  readonly dir?: string;
  readonly ext: string;
  /** @default {@link renderThreadCount} */
  readonly threads?: number;
}

/** Result of {@link renderInParallel} in `write` mode. */
export interface ParallelWrite {
  /** fsyncs every file the threads wrote (each thread its own files, at the same time). */
  fsyncFiles(): void;
  /** Stops the threads. */
  close(): void;
}

/**
 * Validates and renders `specs` on render threads (see the file comment), calling `use` for each valid
 * cluster in fleet order while no problem has been found, and throwing the problems together at the
 * end, as {@link forEachCluster} does. In `write` mode every valid cluster's file is written into
 * `dir` (without fsync) when it returns; the caller makes them durable (`fsyncFiles` where `sync -f`
 * is not available) and closes the threads. In `output` mode the threads are closed when it returns.
 */
export function renderInParallel<O>(specs: readonly ClusterSpec[], options: ParallelRenderOptions<O>, use: (c: CollectedCluster<O>) => void): ParallelWrite {
  const p = new Problems('Fleet');
  if (!Array.isArray(specs)) {
    p.error('clusters', `must be a list of cluster specs, got ${show(specs)}`);
    p.throwIfErrors();
  }
  const pool = new Pool<O>(options);
  try {
    pool.run(specs, p, use);
  } catch (e) {
    pool.close(true);
    throw e;
  }
  if (options.mode === 'output') pool.close(false);
  return { fsyncFiles: () => pool.fsyncFiles(), close: () => pool.close(false) };
}

class Pool<O> {
  private readonly threads: Thread[] = [];
  private readonly counters: Int32Array;
  private readonly slots = new Map<number, Slot>();
  private specs: readonly ClusterSpec[] = [];
  /** Specs dispatched (the next one to dispatch). */
  private dispatched = 0;
  /** The spec being collected. */
  private collecting = 0;
  private closed = false;
  /** An EEXIST from a thread: two clusters of the same name (reported as a problem when the second is collected). */
  private existsError?: Error;

  constructor(private readonly options: ParallelRenderOptions<O>) {
    const source = threadSource();
    if (source === undefined) throw new Error('the render threads are not available here');
    const state = new SharedArrayBuffer(12);
    this.counters = new Int32Array(state);
    const n = options.threads ?? renderThreadCount();
    for (let t = 0; t < n; t++) {
      const { port1, port2 } = new MessageChannel();
      const data: RenderThreadData & { capiConstructsFleetRender: true } = {
        mode: options.mode, dir: options.dir, ext: options.ext, state, port: port2, capiConstructsFleetRender: true,
      };
      const worker = new Worker(source, {
        eval: true, workerData: data, transferList: [port2], stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: RENDER_YOUNG_GENERATION_MB },
      });
      worker.unref();
      this.threads.push({ worker, port: port1, batches: 0, writes: 0 });
    }
  }

  run(specs: readonly ClusterSpec[], p: Problems, use: (c: CollectedCluster<O>) => void): void {
    const n = specs.length;
    this.specs = specs;
    const slots = this.slots;
    const owner = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      this.collecting = i;
      this.dispatch();
      const slot = slots.get(i)!;
      if (slot.thread !== undefined && !slot.result) this.waitFor(slot);
      slots.delete(i);
      if (slot.hole) continue;
      if (slot.readError) throw slot.readError.e;
      const result = slot.result;
      let local: RenderedCluster | undefined;
      if (!result || 'failed' in result) {
        // not portable, or an error other than a ValidationError: the calling thread renders it, as the single-thread path does
        try {
          local = renderClusterSpec(slot.spec as ClusterSpec);
        } catch (e) {
          p.absorb(`clusters[${i}]`, e);
          this.stop();
          continue;
        }
      } else if ('issues' in result) {
        p.absorb(`clusters[${i}]`, new ValidationError('', result.issues));
        this.stop();
        continue;
      }
      const name = local ? local.ref.name : (result as { name: string }).name;
      if (owner.has(name)) {
        p.error(`clusters[${i}].cluster.name`, `${show(name)} is already used by clusters[${owner.get(name)}]: cluster names must be unique in a fleet (each names its file ${show(clusterFileName(name, this.options.ext))})`);
        this.stop();
        continue;
      }
      owner.set(name, i);
      if (p.hasErrors) continue;
      use(local ? this.collectLocal(i, local) : this.collectRemote(i, result as Extract<ClusterResult, { name: string }>, slot.spec as ClusterSpec));
    }
    p.throwIfErrors();
    if (this.existsError) throw this.existsError;
    for (let t = 0; t < this.threads.length; t++) {
      while (this.threads[t].writes > 0) this.handle(t, this.next(t));
    }
  }

  /** A cluster rendered on the calling thread: written by a thread (`write` mode) or made compact here (`output` mode). */
  private collectLocal(i: number, rc: RenderedCluster): CollectedCluster<O> {
    const file = clusterFileName(rc.ref.name, this.options.ext);
    const manifests: Manifest[] = rc.parts.flatMap((part) => part.manifests);
    const warnings: { subject: string; warning: Warning }[] = [];
    for (const part of rc.parts) for (const w of part.warnings) warnings.push({ subject: part.subject, warning: w });
    if (this.options.mode === 'output') return { index: i, file, objectCount: manifests.length, warnings, output: this.options.output!.local(rc, i) };
    const t = this.leastBusy((x) => x.writes);
    this.post(t, isJsonExact(manifests) ? { t: 'write', i, file, json: JSON.stringify(manifests) } : { t: 'write', i, file, text: stringifyManifests(manifests) });
    this.threads[t].writes++;
    return { index: i, file, objectCount: manifests.length, warnings };
  }

  private collectRemote(i: number, r: Extract<ClusterResult, { name: string }>, spec: ClusterSpec): CollectedCluster<O> {
    const file = clusterFileName(r.name, this.options.ext);
    if (r.writeError) this.writeFailed(r.writeError);
    if (this.options.mode === 'write') return { index: i, file, objectCount: r.objectCount, warnings: r.warnings };
    const output = r.output === undefined ? undefined : this.options.output!.remote(r.output);
    // what the thread could not send whole is made here again
    return output === undefined ? this.collectLocal(i, renderClusterSpec(spec)) : { index: i, file, objectCount: r.objectCount, warnings: r.warnings, output };
  }

  /** A file that could not be written: EEXIST means two clusters of one name (a problem reported when the second is collected); anything else fails the run now. */
  private writeFailed(e: ThreadError): void {
    const err = asError(e);
    if (e.code === 'EEXIST') this.existsError ??= err;
    else throw err;
  }

  /**
   * Sends the next specs to the threads: a batch to the thread with the fewest unanswered batches, while
   * it has fewer than {@link BATCHES_IN_FLIGHT} and no more than {@link AHEAD_PER_THREAD} clusters per
   * thread are dispatched and not yet collected (memory does not grow with the fleet).
   */
  private dispatch(): void {
    const specs = this.specs;
    const n = specs.length;
    for (;;) {
      if (this.dispatched >= n || this.dispatched - this.collecting >= AHEAD_PER_THREAD * this.threads.length) return;
      const t = this.leastBusy((x) => x.batches);
      if (this.threads[t].batches >= BATCHES_IN_FLIGHT) return;
      const encoder = new SpecEncoder();
      const items: number[] = [];
      const end = Math.min(n, this.dispatched + BATCH_SIZE);
      for (let i = this.dispatched; i < end; i++) {
        let slot: Slot;
        try {
          if (!(i in specs)) slot = { hole: true };
          else {
            const spec = specs[i];
            if (encoder.add(spec) >= 0) {
              items.push(i);
              slot = { spec, thread: t };
            } else slot = { spec };
          }
        } catch (e) {
          slot = { readError: { e } };
        }
        this.slots.set(i, slot);
      }
      this.dispatched = end;
      if (items.length > 0) {
        this.post(t, { t: 'batch', items, specs: encoder.envelope });
        this.threads[t].batches++;
      }
    }
  }

  /**
   * Waits until `slot` has its result. Meanwhile takes every thread's answers as they come (filing
   * batch results into their slots) and gives a thread that answered its next batch, so that no thread
   * waits while the calling thread waits for another one.
   */
  private waitFor(slot: Slot): void {
    let since = Date.now();
    for (;;) {
      const seen = Atomics.load(this.counters, PROGRESS);
      let got = false;
      for (let t = 0; t < this.threads.length; t++) {
        for (let m = receiveMessageOnPort(this.threads[t].port); m; m = receiveMessageOnPort(this.threads[t].port)) {
          got = true;
          const a = m.message as RenderAnswer;
          if (a.t === 'batch') {
            this.threads[t].batches--;
            for (const r of a.results) {
              const s = this.slots.get(r.i);
              if (s) s.result = r;
            }
          } else this.handle(t, a);
        }
      }
      if (slot.result) return;
      if (got) {
        this.dispatch();
        since = Date.now();
        continue;
      }
      if (Atomics.load(this.counters, FAILED)) this.throwFailure();
      if (Atomics.wait(this.counters, PROGRESS, seen, 1000) !== 'timed-out') since = Date.now();
      else if (Date.now() - since > STALL_MS) throw this.stalled();
    }
  }

  private stalled(): Error {
    return new Error(`${this.options.mode === 'write' ? 'writeFleet' : 'forEachClusterOutput'}: the render threads made no progress for ${STALL_MS / 1000} s`);
  }

  /** An answer other than a batch's. */
  private handle(t: number, a: RenderAnswer): void {
    if (a.t === 'written') {
      this.threads[t].writes--;
      if (a.writeError && !Atomics.load(this.counters, STOP)) this.writeFailed(a.writeError);
    } else if (a.t === 'failed') {
      throw asError(a.error, this.options.mode === 'write' ? 'writeFleet: ' : 'forEachClusterOutput: ');
    }
  }

  /** The next answer of thread `t`, waiting for it. */
  private next(t: number): RenderAnswer {
    const port = this.threads[t].port;
    let since = Date.now();
    for (;;) {
      const seen = Atomics.load(this.counters, PROGRESS);
      const m = receiveMessageOnPort(port);
      if (m) return m.message as RenderAnswer;
      if (Atomics.load(this.counters, FAILED)) this.throwFailure();
      if (Atomics.wait(this.counters, PROGRESS, seen, 1000) !== 'timed-out') since = Date.now();
      else if (Date.now() - since > STALL_MS) throw this.stalled();
    }
  }

  /** A thread reported a failure: finds it on the threads' ports and throws it. */
  private throwFailure(): never {
    for (const th of this.threads) {
      for (let m = receiveMessageOnPort(th.port); m; m = receiveMessageOnPort(th.port)) {
        const a = m.message as RenderAnswer;
        if (a.t === 'failed') throw asError(a.error, this.options.mode === 'write' ? 'writeFleet: ' : 'forEachClusterOutput: ');
      }
    }
    throw new Error('a render thread stopped');
  }

  fsyncFiles(): void {
    for (let t = 0; t < this.threads.length; t++) this.post(t, { t: 'fsync' });
    let error: ThreadError | undefined;
    for (let t = 0; t < this.threads.length; t++) {
      for (;;) {
        const a = this.next(t);
        if (a.t === 'synced') {
          error ??= a.error;
          break;
        }
        this.handle(t, a);
      }
    }
    if (error) throw asError(error);
  }

  private post(t: number, req: RenderRequest): void {
    this.threads[t].worker.postMessage(req);
  }

  private leastBusy(load: (t: Thread) => number): number {
    let best = 0;
    for (let t = 1; t < this.threads.length; t++) if (load(this.threads[t]) < load(this.threads[best])) best = t;
    return best;
  }

  /** A problem was found: the threads write and serialize nothing more. */
  private stop(): void {
    Atomics.store(this.counters, STOP, 1);
  }

  /**
   * Stops the threads. After a failure (`drain`) in `write` mode, first waits until they have answered
   * everything sent (validating only, writing nothing more), so that no file is written once the caller
   * removes the directory; a thread that failed or stalls is not waited for.
   */
  close(drain: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    if (drain && this.options.mode === 'write' && !Atomics.load(this.counters, FAILED)) {
      try {
        for (let t = 0; t < this.threads.length; t++) {
          const th = this.threads[t];
          while (th.batches > 0 || th.writes > 0) {
            const a = this.next(t);
            if (a.t === 'batch') th.batches--;
            else if (a.t === 'written') th.writes--;
            else if (a.t === 'failed') break;
          }
        }
      } catch {
        // a thread failed meanwhile: terminated below
      }
    }
    for (const th of this.threads) {
      th.port.close();
      void th.worker.terminate();
    }
  }
}
