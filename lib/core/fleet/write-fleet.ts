/**
 * `writeFleet`: the direct render written to a directory as one unit, on every core (up to four), in
 * memory that does not grow with the fleet.
 *
 * - Output: published by {@link publishFleet} (publish.ts): the files are written into a generation
 *   directory next to `outdir`, which replaces `outdir` by two renames; a reader sees the previous
 *   fleet or the new one, never a mix, also after a crash (kill -9) at any point. The files are
 *   written without an fsync each; once all are written, the generation directory is made durable at
 *   once ({@link syncDirectory}: `sync -f`, or an fsync of every file and of the directory where that
 *   command is missing or fails), before it is renamed into place. Runs on the same `outdir` exclude each other
 *   with a lock next to it ({@link FleetLockedError}); a full disk or a read-only file system gives a
 *   {@link FleetWriteError} and leaves the previous output as it was, with nothing partial.
 * - Speed: render threads (render-pool.ts, render-worker.ts) validate, render, serialize and write the
 *   clusters, min(CPUs, 4) of them; the calling thread dispatches the specs and collects the results
 *   in fleet order. The bytes, the warnings and the errors are those of the single-thread path
 *   (`parallel: false`). A spec the threads cannot be given (portable-spec.ts: a hand-written
 *   component or machine template, ...) is rendered on the calling thread and written by a thread.
 * - Memory: at most a few batches of clusters are in flight per thread, and nothing of a written
 *   cluster is kept; the result lists the file names.
 * - Warnings go to the warning handler once every cluster is valid and written, before the new
 *   output is published: a handler that throws fails the run and leaves the previous output.
 */
import * as os from 'os';
import { show, ValidationError, Warning } from '../rules/errors';
import * as path from 'path';
import { checkFleetOptions, ClusterSpec, forEachClusterManifests, RenderFleetOptions } from './render';
import { propKeys } from '../rules/strict-props';
import { reportWarnings } from '../rules/warnings';
import { stringifyManifests } from '../output/yaml';
import { FleetLockedError, FleetWriteError, publishFleet, syncDirectory, writeNewFile } from './publish';
import { PARALLEL_MIN_CLUSTERS, renderInParallel, renderThreadsAvailable } from './render-pool';

export { FleetLockedError, FleetWriteError };
export type { FileSystemError } from './publish';

export { PARALLEL_MIN_CLUSTERS };

/** Options of {@link writeFleet}. */
export interface WriteFleetOptions extends RenderFleetOptions {
  /**
   * Validate, render, serialize and write the clusters on render threads, min(CPUs, 4) of them (same
   * bytes, same warnings, same errors as `false`, which does everything on the calling thread).
   * A bundled program (esbuild, webpack), which does not carry the threads' module, renders on the
   * calling thread whatever this says.
   * @default true for fleets of 3,000 clusters or more on a machine with more than one CPU (below that one thread is faster)
   */
  readonly parallel?: boolean;
}

/** The known keys of {@link WriteFleetOptions} (strict props). */
export const WRITE_FLEET_OPTIONS = propKeys<WriteFleetOptions>()('WriteFleetOptions', { outputFileExtension: true, parallel: true });

/** Result of {@link writeFleet}. */
export interface WrittenFleet {
  /** The output directory (absolute), holding the files. */
  readonly outdir: string;
  /** File names written (relative to `outdir`), in fleet order. */
  readonly files: readonly string[];
  /** Files of an earlier run removed because this run does not write them. */
  readonly removed: readonly string[];
  /** Every warning, per cluster part, with the subject it is reported under. */
  readonly warnings: readonly { readonly subject: string; readonly warning: Warning }[];
  /** Number of objects written. */
  readonly objectCount: number;
}

function checkOutdir(outdir: unknown): string {
  if (typeof outdir !== 'string' || outdir === '' || outdir.includes('\0')) {
    throw new ValidationError('Fleet', [{ path: 'outdir', message: `must be a directory path, got ${show(outdir)}` }]);
  }
  return outdir;
}

/**
 * Renders the fleet and writes one `<cluster><ext>` per cluster (`<cluster>.k8s.yaml` by default) to
 * `outdir`, published as one unit (a new directory renamed into place), safe against
 * crashes and concurrent writers: see the file comment and publish.ts for the exact guarantee.
 * `outdir` must be missing, an earlier run's output, or a directory holding only `*<ext>` files;
 * anything else is refused. Warnings go to the warning handler (stderr by default) and
 * are returned. For the YAML in memory, use {@link renderFleet}.
 *
 * From 3,000 clusters on (on a machine with more than one CPU, or with `parallel: true`), render threads
 * validate, render, serialize and write the clusters while the calling thread waits (the call stays
 * synchronous); the files, warnings and errors are those of `parallel: false`. A spec with a
 * hand-written component or machine template, or anything else a thread cannot be given, is rendered
 * on the calling thread. The files are made durable at once, before the new output is published:
 * `sync -f` on the new directory where that command exists and succeeds, otherwise an fsync of every
 * file and of the directory.
 */
export function writeFleet(outdir: string, specs: readonly ClusterSpec[], options: WriteFleetOptions = {}): WrittenFleet {
  const ext = checkFleetOptions(options, WRITE_FLEET_OPTIONS);
  const parallel = (options as WriteFleetOptions | undefined)?.parallel;
  const dir = checkOutdir(outdir);
  const threads = (parallel ?? (Array.isArray(specs) && specs.length >= PARALLEL_MIN_CLUSTERS && os.availableParallelism() > 1)) && renderThreadsAvailable();
  const published = publishFleet(dir, ext, (generation) => {
    const files: string[] = [];
    if (!threads) {
      const rendered = forEachClusterManifests(specs, ext, (file, manifests) => {
        writeNewFile(path.join(generation, file), stringifyManifests(manifests));
        files.push(file);
      });
      syncDirectory(generation, files);
      return { files, ...rendered };
    }
    const warnings: { subject: string; warning: Warning }[] = [];
    let objectCount = 0;
    const pool = renderInParallel(specs, { mode: 'write', dir: generation, ext }, (c) => {
      files.push(c.file);
      objectCount += c.objectCount;
      for (const w of c.warnings) warnings.push(w);
    });
    try {
      syncDirectory(generation, files, () => pool.fsyncFiles());
    } finally {
      pool.close();
    }
    return { files, warnings, objectCount };
  }, (r) => {
    for (const { subject, warning } of r.warnings) reportWarnings(subject, [warning]);
  });
  const { files, warnings, objectCount } = published.result;
  return { outdir: published.outdir, files, removed: published.removed, warnings, objectCount };
}
