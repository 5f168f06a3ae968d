/**
 * `writeFleet`: the direct render written to a directory, safe against crashes and concurrent writers.
 *
 * How (per-file atomic renames into the existing directory, then removal of stale files):
 * 1. `outdir` is resolved through symlinks (a symlinked `outdir` stays a symlink; its target is
 *    written) and created if missing. It must hold only `*<ext>` files and this function's own
 *    leftovers; anything else is refused before anything is written.
 * 2. A lock file `.capi-constructs-fleet.lock` is created in it with `O_EXCL`. If another live process
 *    holds it, writeFleet fails at once with {@link FleetLockedError}; a lock left by a process that no
 *    longer runs (a crash) is taken over.
 * 3. Leftovers of an earlier, crashed run (`.capi-constructs-tmp-*` files) are removed.
 * 4. Each cluster's YAML goes to a temporary file in `outdir`, `.capi-constructs-tmp-<run>-<file>.partial`
 *    (never a name ending in `<ext>`, so `kubectl apply -f outdir` ignores it), as soon as the cluster is
 *    rendered: the YAML of the whole fleet is never held in memory.
 * 5. Only when every cluster is valid and written, each temporary file is renamed over its final name
 *    (rename(2): atomic), in fleet order; then the `*<ext>` files of the previous run that this run
 *    does not write are removed; then the lock is released. Invalid input or a failed write removes
 *    the temporary files and leaves every `*<ext>` file as it was.
 *
 * The guarantee, at every instant and after a crash (kill -9) at any point:
 * - `outdir` exists (once created) and is never renamed, replaced or removed;
 * - every `*<ext>` file in it is complete: byte for byte either the previous run's version or this
 *   run's, never partly written;
 * - before step 5 starts, the `*<ext>` files are exactly the previous run's; during step 5 (and after a
 *   crash in it) some files may already be this run's while others are still the previous run's,
 *   and files this run drops may still be there;
 * - the next run removes every leftover (temporary files, a stale lock) and ends with exactly its own files.
 * The guarantee is against process crashes; files are not fsync'ed, so after a power loss it is what
 * the file system's rename ordering gives.
 */
import * as fs from 'fs';
import * as path from 'path';
import { show, ValidationError, Warning } from '../rules/errors';
import { checkFleetOptions, ClusterSpec, forEachClusterFile, RenderFleetOptions } from './render';
import { reportWarnings } from '../rules/warnings';

/** The lock file writeFleet holds in the output directory while it writes. */
export const FLEET_LOCK_FILE = '.capi-constructs-fleet.lock';
/** Prefix of writeFleet's temporary files in the output directory. */
export const FLEET_TMP_PREFIX = '.capi-constructs-tmp-';

/** Result of {@link writeFleet}. */
export interface WrittenFleet {
  /** The output directory, resolved (through symlinks). */
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

/** Thrown when another live process is writing the same output directory. */
export class FleetLockedError extends Error {
  constructor(public readonly outdir: string, public readonly holder: string) {
    super(`writeFleet: ${outdir} is being written by another process (${holder}; lock file ${path.join(outdir, FLEET_LOCK_FILE)}); try again when it has finished`);
    this.name = 'FleetLockedError';
    Object.setPrototypeOf(this, FleetLockedError.prototype);
  }
}

function isOwnLeftover(name: string): boolean {
  return name === FLEET_LOCK_FILE || name.startsWith(FLEET_TMP_PREFIX);
}

function checkOutdir(outdir: unknown): string {
  if (typeof outdir !== 'string' || outdir === '' || outdir.includes('\0')) {
    throw new ValidationError('Fleet', [{ path: 'outdir', message: `must be a directory path, got ${show(outdir)}` }]);
  }
  return outdir;
}

/** The real output directory (symlinks resolved), created if missing; refuses one holding foreign files. */
function prepareOutdir(outdir: string, ext: string): string {
  const wanted = path.resolve(outdir);
  let real: string;
  try {
    real = fs.realpathSync(wanted);
  } catch {
    fs.mkdirSync(wanted, { recursive: true });
    real = fs.realpathSync(wanted);
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new ValidationError('Fleet', [{ path: 'outdir', message: `${show(outdir)} is not a directory` }]);
  }
  const foreign = fs.readdirSync(real, { withFileTypes: true }).filter((e) => !isOwnLeftover(e.name) && !(e.isFile() && e.name.endsWith(ext)));
  if (foreign.length > 0) {
    throw new ValidationError('Fleet', [{
      path: 'outdir',
      message: `${show(outdir)} holds files other than *${ext} (${foreign.slice(0, 3).map((e) => show(e.name)).join(', ')}${foreign.length > 3 ? ', ...' : ''}): refusing to write into it (choose an empty or new directory)`,
    }]);
  }
  return real;
}

/** True when process `pid` runs (on this host). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `dir` (taking over a lock whose process is gone); returns the function that releases it. */
function lock(dir: string): () => void {
  const file = path.join(dir, FLEET_LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new FleetLockedError(dir, 'a process that took over a stale lock at the same time');
        throw e;
      }
    }
    let holder = NaN;
    try {
      holder = parseInt(fs.readFileSync(file, 'utf8'), 10);
    } catch {
      // removed meanwhile: retry
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) throw new FleetLockedError(dir, `pid ${holder}`);
    // a crashed writer's lock (or one being written right now, which the EEXIST retry then reports)
    fs.rmSync(file, { force: true });
  }
}

/**
 * Renders the fleet and writes one `<cluster><ext>` per cluster (`<cluster>.k8s.yaml` by default) to
 * `outdir`, safe against crashes and concurrent writers: see the file comment for the exact
 * guarantee. `outdir` must be missing, empty or hold only `*<ext>` files (and this function's own
 * leftovers); anything else is refused. Warnings go to the warning handler (stderr by default) and
 * are returned. For the YAML in memory, use {@link renderFleet}.
 */
export function writeFleet(outdir: string, specs: readonly ClusterSpec[], options: RenderFleetOptions = {}): WrittenFleet {
  const ext = checkFleetOptions(options);
  const dir = prepareOutdir(checkOutdir(outdir), ext);
  const unlock = lock(dir);
  try {
    for (const name of fs.readdirSync(dir)) if (name.startsWith(FLEET_TMP_PREFIX)) fs.rmSync(path.join(dir, name), { force: true });
    const run = `${process.pid}-${Date.now().toString(36)}-`;
    const written: { file: string; tmp: string }[] = [];
    let rendered: ReturnType<typeof forEachClusterFile>;
    try {
      rendered = forEachClusterFile(specs, ext, (file, content) => {
        const tmp = path.join(dir, `${FLEET_TMP_PREFIX}${run}${file}.partial`);
        fs.writeFileSync(tmp, content, { encoding: 'utf8', flag: 'wx' });
        written.push({ file, tmp });
      });
    } catch (e) {
      for (const w of written) fs.rmSync(w.tmp, { force: true });
      throw e;
    }
    for (const w of written) fs.renameSync(w.tmp, path.join(dir, w.file));
    const keep = new Set(written.map((w) => w.file));
    const removed: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith(ext) && !keep.has(e.name)) {
        fs.rmSync(path.join(dir, e.name), { force: true });
        removed.push(e.name);
      }
    }
    for (const { subject, warning } of rendered.warnings) reportWarnings(subject, [warning]);
    return { outdir: dir, files: written.map((w) => w.file), removed, ...rendered };
  } finally {
    unlock();
  }
}
