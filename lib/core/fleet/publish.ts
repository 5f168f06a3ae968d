/**
 * Whole-fleet publication, shared by `writeFleet` (write-fleet.ts) and the cdk8s `FleetApp`: a reader
 * of the output path sees the previous fleet or the new one, never a mix, at every instant and after
 * a crash (kill -9) at any point.
 *
 * Layout: the output path (`dist`) is a plain directory, so `kubectl apply -f dist`, `git add dist` and
 * Flux read it as before. A run:
 * 1. takes the lock `.dist.capi-constructs-fleet.lock` (next to the output path) with `O_EXCL`. The lock
 *    records the process id and its start time (from `/proc/<pid>/stat`), so a lock left by a crashed
 *    process is recognised as stale even when its pid has been reused by another process;
 * 2. puts back a previous output that a run killed between its two renames (step 4) left beside the
 *    path, then removes the other leftovers of crashed runs (unfinished generation directories);
 * 3. writes every file into a new generation directory next to the path,
 *    `.dist.capi-constructs-gen-<run>`, makes the files durable (each fsynced, or all at once with
 *    {@link syncDirectory}), then fsyncs the directory;
 * 4. publishes with two renames: the current output directory to `.dist.capi-constructs-gen-<run>-previous`,
 *    then the new generation to the output path; the parent directory is fsynced. A reader sees the
 *    previous set, for the instant between the renames no directory, or the new set: never a mix. A
 *    kill in that instant leaves the previous set whole beside the path, and the next run puts it back
 *    (step 2);
 * 5. removes the previous output (nothing is left beside the path, so a Git work tree shows only the
 *    output directory), then releases the lock.
 * A failure before step 4 (invalid input, a full disk, a throwing warning handler) removes the new
 * generation and leaves the output path as it was. The output directory must hold only `*<ext>` files.
 * An output path that is a symbolic link is followed, and its target is published this way.
 */
// the module object itself (not a copy of its functions): tests put a full disk or a read-only file system under it
import fs = require('fs');
import { execFileSync } from 'child_process';
import * as path from 'path';
import { checkArguments } from '../rules/arguments';
import { show, ValidationError } from '../rules/errors';

/** Suffix of the lock file next to the output path: `.<name>.capi-constructs-fleet.lock`. */
export const FLEET_LOCK_SUFFIX = '.capi-constructs-fleet.lock';
/** Infix of generation directories next to the output path: `.<name>.capi-constructs-gen-<run>`. */
export const FLEET_GENERATION_INFIX = '.capi-constructs-gen-';
/** Suffix of the previous output, moved aside next to the output path while the new one takes its place. */
const PREVIOUS_SUFFIX = '-previous';
/** Names an older version left inside the output directory (its lock and temporary files). */
const LEGACY_LOCK = '.capi-constructs-fleet.lock';
const LEGACY_TMP_PREFIX = '.capi-constructs-tmp-';

/** A system error as Node.js reports it (`code` such as `ENOSPC`, `syscall` such as `write`), typed without @types/node. */
export interface FileSystemError extends Error {
  code?: string;
  syscall?: string;
}

/** Thrown when another live process is writing the same output path. */
export class FleetLockedError extends Error {
  constructor(public readonly outdir: string, public readonly holder: string, lockFile?: string) {
    checkArguments('FleetLockedError', [
      ['outdir', outdir, typeof outdir === 'string' && outdir !== '', 'the output path (a non-empty string)'],
      ['holder', holder, typeof holder === 'string', 'a string naming the process that holds the lock'],
      ['lockFile', lockFile, lockFile === undefined || typeof lockFile === 'string', 'a string (the lock file) or undefined'],
    ]);
    super(`writeFleet: ${outdir} is being written by another process (${holder}; lock file ${lockFile ?? lockFileOf(outdir)}); try again when it has finished`);
    this.name = 'FleetLockedError';
    Object.setPrototypeOf(this, FleetLockedError.prototype);
  }
}

const FS_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/**
 * Thrown when the file system refuses the output (a full disk, a read-only file system, missing
 * permissions): the message names the path and the cause; the previous output is unchanged and
 * nothing partial is left. `code` is the system error code (`ENOSPC`, `EROFS`, ...), `cause` the original error.
 */
export class FleetWriteError extends Error {
  public readonly code: string;
  constructor(public readonly outdir: string, cause: FileSystemError, public readonly file?: string) {
    checkArguments('FleetWriteError', [
      ['outdir', outdir, typeof outdir === 'string' && outdir !== '', 'the output path (a non-empty string)'],
      ['cause', cause, isErrorObject(cause), 'the file system error (an Error with a code)'],
      ['file', file, file === undefined || typeof file === 'string', 'a string (the file) or undefined'],
    ]);
    const code = typeof cause.code === 'string' ? cause.code : 'EUNKNOWN';
    super(`cannot write the fleet to ${outdir}${file ? ` (${file})` : ''}: ${FS_ERRORS[code] ?? cause.message} (${code}); the previous output is unchanged and nothing partial was left`, { cause });
    this.name = 'FleetWriteError';
    this.code = code;
    Object.setPrototypeOf(this, FleetWriteError.prototype);
  }
}

/** `e instanceof Error`, false for a Proxy that throws. */
function isErrorObject(e: unknown): boolean {
  try {
    return e instanceof Error;
  } catch {
    return false;
  }
}

/** An error of the file system (as opposed to a bug or invalid input), given a clear message by {@link FleetWriteError}. */
export function isFsError(e: unknown): e is FileSystemError {
  return e instanceof Error && typeof (e as FileSystemError).code === 'string' && typeof (e as FileSystemError).syscall === 'string';
}

function lockFileOf(outdir: string): string {
  return path.join(path.dirname(outdir), `.${path.basename(outdir)}${FLEET_LOCK_SUFFIX}`);
}

/** The start time of process `pid` (clock ticks since boot, field 22 of `/proc/<pid>/stat`), or undefined where there is no /proc. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may itself hold spaces and parentheses
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
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

/** Whether the lock recorded as `<pid> <start time>` (or `<pid>` by older versions) is held by a running process. */
function holderRuns(pid: number, start: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  if (start === undefined) return true;
  const now = processStartTime(pid);
  // a different start time: the pid was reused by another process, the lock's writer is gone
  return now === undefined || now === start;
}

const SELF = (() => `${process.pid} ${processStartTime(process.pid) ?? '-'}\n`);

/** Prefix of the temporary file a lock is written to before it is linked into place. */
const LOCK_TMP_INFIX = '.capi-constructs-lock-';

/**
 * Takes the lock `file` (taking over a stale one); returns the function that releases it. The lock is
 * written whole to a temporary file and hard-linked to its name (link(2) fails if the name exists), so
 * no process ever reads a half-written lock and takes it for a stale one.
 */
function lock(outdir: string, file: string): () => void {
  const tmp = path.join(path.dirname(file), `.${path.basename(outdir)}${LOCK_TMP_INFIX}${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  fs.writeFileSync(tmp, SELF(), { mode: 0o644, flag: 'wx' });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return () => fs.rmSync(file, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (attempt > 1) throw new FleetLockedError(outdir, 'a process that took over a stale lock at the same time', file);
      }
      const stale = readLock(file);
      if (stale === undefined) continue; // released meanwhile
      if (stale.pid !== undefined && holderRuns(stale.pid, stale.start)) {
        throw new FleetLockedError(outdir, `pid ${stale.pid}${stale.pid === process.pid ? ', this process' : ''}`, file);
      }
      // a crashed writer's lock: moved aside, and checked to be the one just read (not a new one that took its place)
      const aside = `${tmp}-stale`;
      try {
        fs.renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = readLock(aside);
      if (moved?.text !== stale.text) {
        // another process took over the stale lock in between and this moved its new lock: put it back
        try {
          fs.linkSync(aside, file);
        } finally {
          fs.rmSync(aside, { force: true });
        }
        throw new FleetLockedError(outdir, 'a process that took over a stale lock at the same time', file);
      }
      fs.rmSync(aside, { force: true });
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The lock `file`: `<pid> <start time>` (or `<pid>` as older versions wrote it); undefined if there is none. */
function readLock(file: string): { text: string; pid?: number; start?: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [pidText, start] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  return { text, pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, start: start === '-' ? undefined : start };
}

function fsyncPath(p: string): void {
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    // some file systems cannot fsync a directory; a file's fsync errors are real
    if (!['EINVAL', 'EISDIR', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `content` to the new file `file`, without fsync: the directory is made durable once, when
 * every file is written ({@link syncDirectory}). An fsync per file costs about 0.35 ms per file on an
 * ordinary disk, 3.5 s for a fleet of 10,000 clusters.
 */
export function writeNewFile(file: string, content: string): void {
  const fd = fs.openSync(file, 'wx', 0o644);
  try {
    fs.writeSync(fd, content, null, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes the directory `dir` and the files in it durable (on the disk, also after a power loss), with
 * one `sync -f <dir>` (coreutils; syncfs(2) of the file system holding it) where that command exists
 * and succeeds, otherwise by `fsyncFiles()` (by default an fsync of each of `files`, names relative to
 * `dir`) and an fsync of the directory. Throws the file system's error (see {@link isFsError}) when the
 * data could not be written.
 */
export function syncDirectory(dir: string, files: readonly string[], fsyncFiles?: () => void): void {
  if (syncFileSystem(dir)) return;
  if (fsyncFiles) fsyncFiles();
  else for (const f of files) fsyncFile(path.join(dir, f));
  fsyncPath(dir);
}

/** `sync -f dir`: true when it ran and succeeded. */
function syncFileSystem(dir: string): boolean {
  try {
    execFileSync('sync', ['-f', dir], { stdio: 'ignore', timeout: 600_000 });
    return true;
  } catch {
    return false; // no coreutils `sync`, an older one without -f, or it failed: the caller fsyncs each file
  }
}

/** fsyncs the existing file `file`. */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `content` to the new file `file` and fsyncs it. */
export function writeFileDurably(file: string, content: string): void {
  const fd = fs.openSync(file, 'wx', 0o644);
  try {
    fs.writeSync(fd, content, null, 'utf8');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The output path to publish at: `outdir` resolved, following symbolic links. */
function resolveTarget(outdir: string): string {
  let target = path.resolve(outdir);
  for (let hops = 0; hops < 40; hops++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(target);
    } catch {
      return path.join(fs.realpathSync(mkdirp(path.dirname(target))), path.basename(target));
    }
    if (!st.isSymbolicLink()) {
      if (!st.isDirectory()) throw new ValidationError('Fleet', [{ path: 'outdir', message: `${show(outdir)} is not a directory` }]);
      return path.join(fs.realpathSync(path.dirname(target)), path.basename(target));
    }
    const link = fs.readlinkSync(target);
    target = path.resolve(path.dirname(target), link);
  }
  throw new ValidationError('Fleet', [{ path: 'outdir', message: `${show(outdir)} is a chain of more than 40 symbolic links` }]);
}

function mkdirp(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** What {@link publishFleet} reports. */
export interface Published<T> {
  /** The output path (absolute, its parent's symbolic links resolved): the directory holding the files. */
  readonly outdir: string;
  /** Files of the previous output that the new one does not hold. */
  readonly removed: readonly string[];
  /** What `fill` returned. */
  readonly result: T;
}

/**
 * Publishes a fleet at `outdir` as one unit (see the file comment). `fill` writes the files into the
 * new, empty generation directory it is given and makes them durable before it returns (with
 * {@link writeFileDurably}, or {@link writeNewFile} and then one {@link syncDirectory}) and returns the
 * names it wrote; `beforePublish` runs when every file is
 * written and may still fail the run (e.g. a throwing warning handler). File system failures are
 * thrown as {@link FleetWriteError}; another live writer as {@link FleetLockedError}.
 */
export function publishFleet<T extends { readonly files: readonly string[] }>(
  outdir: string, ext: string, fill: (generation: string) => T, beforePublish: (result: T) => void = () => undefined,
): Published<T> {
  let target: string;
  try {
    target = resolveTarget(outdir);
  } catch (e) {
    throw isFsError(e) ? new FleetWriteError(path.resolve(outdir), e) : e;
  }
  const parent = path.dirname(target);
  const base = path.basename(target);
  // files someone put into the output are not silently dropped: such an output is refused
  if (fs.existsSync(target)) checkPlainDirectory(outdir, target, ext);
  let unlock: () => void;
  try {
    unlock = lock(target, lockFileOf(target));
  } catch (e) {
    throw isFsError(e) ? new FleetWriteError(target, e) : e;
  }
  const run = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const generation = path.join(parent, `.${base}${FLEET_GENERATION_INFIX}${run}`);
  try {
    restoreInterrupted(parent, base, target);
    removeLeftovers(parent, base);
    const previousDir = fs.existsSync(target) ? target : undefined;
    let result: T;
    try {
      fs.mkdirSync(generation, { mode: 0o755 });
      result = fill(generation);
      beforePublish(result);
      fsyncPath(generation);
    } catch (e) {
      fs.rmSync(generation, { recursive: true, force: true });
      throw isFsError(e) ? new FleetWriteError(target, e) : e;
    }
    const previousFiles = previousDir ? fs.readdirSync(previousDir).filter((f) => f.endsWith(ext) && !f.startsWith(LEGACY_TMP_PREFIX)) : [];
    const aside = path.join(parent, `.${base}${FLEET_GENERATION_INFIX}${run}${PREVIOUS_SUFFIX}`);
    let movedAside = false;
    try {
      if (pathExists(target)) {
        // an older version's leftovers inside the previous output are not carried over
        for (const f of fs.readdirSync(target)) if (f === LEGACY_LOCK || f.startsWith(LEGACY_TMP_PREFIX)) fs.rmSync(path.join(target, f), { force: true });
        fs.renameSync(target, aside);
        movedAside = true;
      }
      fs.renameSync(generation, target);
      fsyncPath(parent);
    } catch (e) {
      // not published: the previous output goes back in place, the new generation is dropped
      if (movedAside && !pathExists(target)) fs.renameSync(aside, target);
      fs.rmSync(generation, { recursive: true, force: true });
      throw isFsError(e) ? new FleetWriteError(target, e) : e;
    }
    // published: the previous output goes (nothing is left beside the output path, e.g. in a Git work tree)
    try {
      if (movedAside) fs.rmSync(aside, { recursive: true, force: true });
    } catch {
      // removed by the next run (step 2)
    }
    const keep = new Set(result.files);
    return { outdir: target, removed: previousFiles.filter((f) => !keep.has(f)), result };
  } finally {
    unlock();
  }
}

function pathExists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * A run killed between its two renames left no output path and the previous output beside it: that
 * output goes back in place (under the lock, before anything else), so nothing is lost.
 */
function restoreInterrupted(parent: string, base: string, target: string): void {
  if (pathExists(target)) return;
  const gen = `.${base}${FLEET_GENERATION_INFIX}`;
  const asides = fs.readdirSync(parent).filter((e) => e.startsWith(gen) && e.endsWith(PREVIOUS_SUFFIX))
    .map((e) => ({ e, t: fs.lstatSync(path.join(parent, e)).mtimeMs })).sort((a, b) => b.t - a.t);
  if (asides.length > 0) {
    fs.renameSync(path.join(parent, asides[0].e), target);
    fsyncPath(parent);
  }
}

/** A plain directory at the output path must hold only `*<ext>` files and an older version's leftovers. */
function checkPlainDirectory(outdir: string, target: string, ext: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(target, { withFileTypes: true });
  } catch {
    return; // a generation removed by hand: nothing to protect
  }
  const foreign = entries
    .filter((e) => e.name !== LEGACY_LOCK && !e.name.startsWith(LEGACY_TMP_PREFIX) && !(e.isFile() && e.name.endsWith(ext)));
  if (foreign.length > 0) {
    throw new ValidationError('Fleet', [{
      path: 'outdir',
      message: `${show(outdir)} holds files other than *${ext} (${foreign.slice(0, 3).map((e) => show(e.name)).join(', ')}${foreign.length > 3 ? ', ...' : ''}): refusing to write into it (choose an empty or new directory)`,
    }]);
  }
}

/**
 * Removes what crashed runs left next to the output path: generation directories (unfinished, or a
 * previous output a killed run did not remove) and half-written locks. Runs under the lock, after
 * {@link restoreInterrupted}.
 */
function removeLeftovers(parent: string, base: string): void {
  const gen = `.${base}${FLEET_GENERATION_INFIX}`;
  const lockTmp = `.${base}${LOCK_TMP_INFIX}`;
  for (const e of fs.readdirSync(parent)) {
    if (e.startsWith(gen)) fs.rmSync(path.join(parent, e), { recursive: true, force: true });
    // a lock being written by a process that crashed before linking it
    else if (e.startsWith(lockTmp) && !isAlive(Number(e.slice(lockTmp.length).split('-')[0]))) fs.rmSync(path.join(parent, e), { force: true });
  }
}
