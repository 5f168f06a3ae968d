/**
 * A render thread of the parallel fleet render (render-pool.ts). It gets batches of portable cluster
 * specs (portable-spec.ts), validates and renders each one with {@link renderClusterSpec}, and then,
 * in `write` mode, serializes it ({@link stringifyManifests}) and writes its file into the generation
 * directory, or, in `output` mode, makes its {@link ClusterOutput}. It answers each batch with one
 * message on its port, in the order the batches came, and counts every answer on a shared counter, so
 * that the calling thread can wait without an event loop (Atomics.wait). Once the calling thread has
 * seen a problem (the shared stop flag), it still validates, but writes and serializes nothing.
 */
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';
import { ValidationError, Warning } from '../rules/errors';
import { stringifyManifests } from '../output/yaml';
import { clusterOutput } from './cluster-output';
import { decodeEnvelope, Envelope, SpecEncoder } from './portable-spec';
import { fsyncFile, writeNewFile } from './publish';
import { clusterFileName, renderClusterSpec } from './render';
import { ClusterResult, FAILED, PROGRESS, RenderAnswer, RenderRequest, RenderThreadData, STOP, threadError, ThreadError } from './render-protocol';

function start(): void {
  const { mode, dir, ext, state, port } = workerData as RenderThreadData;
  const counters = new Int32Array(state);
  const written: string[] = [];
  const post = (answer: RenderAnswer, transfer: ArrayBuffer[] = []) => {
    port.postMessage(answer, transfer);
    Atomics.add(counters, PROGRESS, 1);
    Atomics.notify(counters, PROGRESS);
  };
  process.on('uncaughtException', (e) => {
    Atomics.store(counters, FAILED, 1);
    post({ t: 'failed', error: threadError(e) });
  });
  const write = (file: string, text: string): ThreadError | undefined => {
    try {
      writeNewFile(path.join(dir!, file), text);
      written.push(file);
      return undefined;
    } catch (e) {
      return threadError(e);
    }
  };
  parentPort!.on('message', (req: RenderRequest) => {
    if (req.t === 'write') {
      post({ t: 'written', i: req.i, writeError: Atomics.load(counters, STOP) ? undefined : write(req.file, req.text ?? stringifyManifests(JSON.parse(req.json!))) });
    } else if (req.t === 'fsync') {
      try {
        for (const f of written) fsyncFile(path.join(dir!, f));
        post({ t: 'synced' });
      } catch (e) {
        post({ t: 'synced', error: threadError(e) });
      }
    } else {
      const specs = decodeEnvelope(req.specs as Envelope);
      const results: ClusterResult[] = [];
      const transfer: ArrayBuffer[] = [];
      req.items.forEach((i, k) => results.push(renderOne(i, specs[k], transfer)));
      post({ t: 'batch', results }, transfer);
    }
  });

  function renderOne(i: number, spec: unknown, transfer: ArrayBuffer[]): ClusterResult {
    let rc;
    try {
      rc = renderClusterSpec(spec as Parameters<typeof renderClusterSpec>[0]);
    } catch (e) {
      return e instanceof ValidationError ? { i, issues: e.issues.map(({ path: p, message }) => ({ path: p, message })) } : { i, failed: true };
    }
    const warnings: { subject: string; warning: Warning }[] = [];
    let objectCount = 0;
    for (const part of rc.parts) {
      objectCount += part.manifests.length;
      for (const w of part.warnings) warnings.push({ subject: part.subject, warning: w });
    }
    const base = { i, name: rc.ref.name, objectCount, warnings };
    if (Atomics.load(counters, STOP)) return base;
    if (mode === 'write') {
      return { ...base, writeError: write(clusterFileName(rc.ref.name, ext), stringifyManifests(rc.parts.flatMap((p) => p.manifests))) };
    }
    const out = clusterOutput(rc, i, ext);
    const encoder = new SpecEncoder();
    const ref = encoder.add(out.ref) < 0 ? undefined : encoder.envelope;
    // each in an ArrayBuffer of its own (clusterOutput): transferred, not copied, to the calling thread
    transfer.push(out.yaml.buffer as ArrayBuffer);
    if (out.json) transfer.push(out.json.buffer as ArrayBuffer);
    return { ...base, output: ref && { ...out, ref } };
  }
}

if (parentPort && (workerData as { capiConstructsFleetRender?: boolean } | undefined)?.capiConstructsFleetRender) start();
