/**
 * `writeFleet`: the direct render written to a directory as one unit, on two cores, in memory that
 * does not grow with the fleet.
 *
 * - Output: published by {@link publishFleet} (publish.ts): the files are written into a generation
 *   directory next to `outdir`, which replaces `outdir` by two renames; a reader sees the previous
 *   fleet or the new one, never a mix, also after a crash (kill -9) at any point. Files and directories
 *   are fsynced before the rename. Runs on the same `outdir` exclude each other
 *   with a lock next to it ({@link FleetLockedError}); a full disk or a read-only file system gives a
 *   {@link FleetWriteError} and leaves the previous output as it was, with nothing partial.
 * - Speed: the calling thread validates and renders the clusters; a writer thread (thread-writer.ts)
 *   serializes and writes each one, in the order the files are named, with the same bytes as the
 *   single-thread path (`parallel: false`).
 * - Memory: each cluster is handed to the writer as soon as it is rendered and nothing of it is kept
 *   (at most a few clusters are queued); the result lists the file names.
 * - Warnings go to the warning handler once every cluster is valid and written, before the new
 *   output is published: a handler that throws fails the run and leaves the previous output.
 */
import * as os from 'os';
import { show, ValidationError, Warning } from '../rules/errors';
import { checkFleetOptions, ClusterSpec, forEachClusterManifests, RenderFleetOptions } from './render';
import { propKeys } from '../rules/strict-props';
import { reportWarnings } from '../rules/warnings';
import { FleetLockedError, FleetWriteError, publishFleet } from './publish';
import { ClusterFileWriter, InlineWriter, ThreadWriter, writerThreadAvailable } from './thread-writer';

export { FleetLockedError, FleetWriteError };
export type { FileSystemError } from './publish';

/** Fleets of at least this many clusters are written with a writer thread unless `parallel` says otherwise. */
export const PARALLEL_MIN_CLUSTERS = 32;

/** Options of {@link writeFleet}. */
export interface WriteFleetOptions extends RenderFleetOptions {
  /**
   * Serialize and write on a second thread while the calling thread renders (same bytes, same order).
   * A bundled program (esbuild, webpack), which does not carry the thread's module, writes on the
   * calling thread whatever this says.
   * @default true for fleets of 32 clusters or more on a machine with more than one CPU
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
 */
export function writeFleet(outdir: string, specs: readonly ClusterSpec[], options: WriteFleetOptions = {}): WrittenFleet {
  const ext = checkFleetOptions(options, WRITE_FLEET_OPTIONS);
  const parallel = (options as WriteFleetOptions | undefined)?.parallel;
  const dir = checkOutdir(outdir);
  const threads = (parallel ?? (Array.isArray(specs) && specs.length >= PARALLEL_MIN_CLUSTERS && os.availableParallelism() > 1)) && writerThreadAvailable();
  const published = publishFleet(dir, ext, (generation) => {
    const files: string[] = [];
    const sink: ClusterFileWriter = threads ? new ThreadWriter(generation) : new InlineWriter(generation);
    try {
      const rendered = forEachClusterManifests(specs, ext, (file, manifests) => {
        sink.write(file, manifests);
        files.push(file);
      });
      sink.finish();
      return { files, ...rendered };
    } catch (e) {
      sink.abort();
      throw e;
    }
  }, (r) => {
    for (const { subject, warning } of r.warnings) reportWarnings(subject, [warning]);
  });
  const { files, warnings, objectCount } = published.result;
  return { outdir: published.outdir, files, removed: published.removed, warnings, objectCount };
}
