/**
 * The writer thread of `writeFleet` (thread-writer.ts): turns each cluster's objects into YAML with
 * the same writer as the main thread ({@link stringifyManifests}) and writes the file, fsynced, into
 * the generation directory, in the order the messages arrive. Reports progress through a shared
 * counter and failures through its port, so the main thread can wait without an event loop.
 */
import * as path from 'path';
import { MessagePort, parentPort, workerData } from 'worker_threads';
import { stringifyManifests } from '../output/yaml';
import { Manifest } from '../output/manifest';
import { writeFileDurably } from './publish';

/** A file to write: its objects as JSON (YAML made here) or its finished text. */
export interface WriteRequest {
  readonly file: string;
  readonly json?: string;
  readonly text?: string;
}

/** What the thread is started with. */
export interface WriterData {
  readonly dir: string;
  /** [0]: files done (written or failed), [1]: 1 once a failure was reported. */
  readonly state: SharedArrayBuffer;
  readonly errors: MessagePort;
}

/** A failure, as the main thread re-creates it. */
export interface WriterFailure {
  readonly file?: string;
  readonly message: string;
  readonly code?: string;
  readonly syscall?: string;
  readonly stack?: string;
}

function start(): void {
  const { dir, state, errors } = workerData as WriterData;
  const counters = new Int32Array(state);
  const fail = (e: unknown, file?: string) => {
    const err = e as NodeJS.ErrnoException;
    const failure: WriterFailure = { file, message: String(err?.message ?? e), code: err?.code, syscall: err?.syscall, stack: err?.stack };
    errors.postMessage(failure);
    Atomics.store(counters, 1, 1);
  };
  process.on('uncaughtException', (e) => {
    fail(e);
    Atomics.add(counters, 0, 1 << 20);
    Atomics.notify(counters, 0);
  });
  parentPort!.on('message', (req: WriteRequest) => {
    try {
      if (Atomics.load(counters, 1) === 0) {
        const text = req.text ?? stringifyManifests(JSON.parse(req.json!) as Manifest[]);
        writeFileDurably(path.join(dir, req.file), text);
      }
    } catch (e) {
      fail(e, req.file);
    } finally {
      Atomics.add(counters, 0, 1);
      Atomics.notify(counters, 0);
    }
  });
}

if (parentPort && (workerData as { capiConstructsFleetWriter?: boolean } | undefined)?.capiConstructsFleetWriter) start();
