/**
 * Where `writeFleet` sends each rendered cluster: {@link InlineWriter} writes it on the calling thread,
 * {@link ThreadWriter} hands it to a writer thread (yaml-worker.ts), which serializes and writes it
 * while the calling thread renders the next clusters: two cores. Both write the same bytes
 * (`stringifyManifests`) in the same order, each file fsynced.
 *
 * The thread gets a cluster's objects as JSON text (cheap to make and to copy between threads) when
 * the JSON round trip is exact for them (plain maps, dense lists, strings, booleans, finite numbers
 * other than -0: {@link isJsonExact}); anything else is serialized on the calling thread and only the
 * finished text is sent. `writeFleet` stays synchronous: the calling thread waits on a shared counter
 * (Atomics.wait), with at most {@link MAX_IN_FLIGHT} clusters queued, so memory does not grow with the fleet.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Manifest } from '../output/manifest';
import { stringifyManifests } from '../output/yaml';
import { writeFileDurably } from './publish';
import type { WriteRequest, WriterData, WriterFailure } from './yaml-worker';

/** Clusters handed to the writer thread and not yet written, at most. */
export const MAX_IN_FLIGHT = 16;
/**
 * The writer thread's young generation, in MB (V8's default is several times larger): what it allocates for
 * one cluster (the parsed objects, the YAML) is garbage once the file is written, so a small one
 * suffices, and the thread's peak RSS was 20-30 MB lower (at 3,000 clusters) for no measurable CPU time.
 * Only the young generation is limited: a limit on the old one would end the thread on a large cluster.
 */
const WRITER_YOUNG_GENERATION_MB = 8;
/** Without progress of the writer thread for this long, writeFleet fails instead of waiting forever. */
const STALL_MS = 120_000;

/** Receives each cluster's objects, in file order. */
export interface ClusterFileWriter {
  write(file: string, manifests: readonly Manifest[]): void;
  /** Waits until every file is written; throws the first failure. */
  finish(): void;
  /** Stops (after a failure elsewhere); files already written stay in the generation directory, which the caller removes. */
  abort(): void;
}

export class InlineWriter implements ClusterFileWriter {
  constructor(private readonly dir: string) {}

  write(file: string, manifests: readonly Manifest[]): void {
    writeFileDurably(path.join(this.dir, file), stringifyManifests(manifests));
  }

  finish(): void {}

  abort(): void {}
}

/** True when `JSON.parse(JSON.stringify(v))` gives back a value every writer treats exactly as `v`. */
export function isJsonExact(v: unknown, depth = 0): boolean {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object' || depth > 200) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!(i in v) || v[i] === undefined || !isJsonExact(v[i], depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && !isJsonExact(x, depth + 1)) return false;
  }
  // symbol keys and non-enumerable properties are dropped by both
  return true;
}

/**
 * The writer thread's bootstrap: the compiled module next to this one (the published package,
 * `build/`), or, when the library runs from its TypeScript sources (its own tests and benchmarks),
 * the source module loaded through tsx. A module that fails to load reports it like any failure.
 */
function workerSource(): string | undefined {
  const js = path.join(__dirname, 'yaml-worker.js');
  let load: string;
  if (fs.existsSync(js)) load = `require(${JSON.stringify(js)});`;
  else {
    const ts = path.join(__dirname, 'yaml-worker.ts');
    // not a literal: a bundler must not try to include tsx (a bundled program has neither file and writes inline)
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
  workerData.errors.postMessage({ message: 'writeFleet: the writer thread could not start: ' + (e && e.message) });
  Atomics.store(c, 1, 1); Atomics.add(c, 0, 1 << 20); Atomics.notify(c, 0);
}`;
}

let available: boolean | undefined;

/**
 * Whether the writer thread can start here: its module is next to this one (the published package) or
 * loadable from the sources. A bundled program (esbuild, webpack) has neither and writes on the calling
 * thread, with the same bytes.
 */
export function writerThreadAvailable(): boolean {
  available ??= workerSource() !== undefined;
  return available;
}

export class ThreadWriter implements ClusterFileWriter {
  private readonly worker: Worker;
  private readonly counters: Int32Array;
  private readonly errors: MessagePort;
  private sent = 0;
  private stopped = false;

  constructor(dir: string) {
    const state = new SharedArrayBuffer(8);
    this.counters = new Int32Array(state);
    const channel = new MessageChannel();
    this.errors = channel.port1;
    const data: WriterData & { capiConstructsFleetWriter: true } = { dir, state, errors: channel.port2, capiConstructsFleetWriter: true };
    this.worker = new Worker(workerSource()!, { eval: true, workerData: data, transferList: [channel.port2], stdout: false, stderr: false,
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB },
    });
    this.worker.unref();
  }

  write(file: string, manifests: readonly Manifest[]): void {
    this.throwIfFailed();
    const req: WriteRequest = isJsonExact(manifests) ? { file, json: JSON.stringify(manifests) } : { file, text: stringifyManifests(manifests) };
    this.worker.postMessage(req);
    this.sent++;
    this.waitUntil(this.sent - MAX_IN_FLIGHT, true);
    this.throwIfFailed();
  }

  finish(): void {
    this.waitUntil(this.sent, false);
    this.throwIfFailed();
    this.stop();
  }

  abort(): void {
    if (this.stopped) return;
    Atomics.store(this.counters, 1, 1);
    // the thread skips what is queued; wait until it is idle, so that nothing is written after the caller cleans up
    this.waitUntil(this.sent, false);
    this.stop();
  }

  /** Blocks until at least `n` files are done (or, with `orFailure`, a failure is reported). */
  private waitUntil(n: number, orFailure: boolean): void {
    let last = Atomics.load(this.counters, 0);
    let since = Date.now();
    while (last < n && !(orFailure && Atomics.load(this.counters, 1) !== 0)) {
      Atomics.wait(this.counters, 0, last, 1000);
      const now = Atomics.load(this.counters, 0);
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        this.stop();
        throw new Error(`writeFleet: the writer thread made no progress for ${STALL_MS / 1000} s (${last} of ${this.sent} files written)`);
      }
    }
  }

  /** After a failure of the thread: waits until it is idle, stops it and throws the failure. */
  private throwIfFailed(): void {
    if (this.stopped || Atomics.load(this.counters, 1) === 0) return;
    this.waitUntil(this.sent, false);
    const msg = receiveMessageOnPort(this.errors)?.message as WriterFailure | undefined;
    this.stop();
    if (!msg) throw new Error('writeFleet: the writer thread stopped');
    const e = new Error(msg.message) as NodeJS.ErrnoException;
    if (msg.code) e.code = msg.code;
    if (msg.syscall) e.syscall = msg.syscall;
    if (msg.stack) e.stack = msg.stack;
    throw e;
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.errors.close();
    void this.worker.terminate();
  }
}
