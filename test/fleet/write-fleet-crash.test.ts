/**
 * writeFleet and FleetApp.synth across crashes and concurrent writers (issue 15 defect 6, issue 33
 * item 5). A child process writes two fleets in turns and is killed with SIGKILL at seeded random
 * moments, also while it publishes; after every kill the output path must show one whole fleet: exactly
 * the files of fleet A or of fleet B, each byte for byte that fleet's version, never a mix. The next
 * writeFleet ends with exactly its own files and no leftovers. Locks: a dead holder and a reused pid
 * are stale, a live holder is not; two FleetApp.synth at once end with one complete fleet.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { FleetLockedError, FleetWriteError, renderFleet, writeFleet } from '../../lib/core';
import { FLEET_GENERATION_INFIX, FLEET_LOCK_SUFFIX, processStartTime } from '../../lib/core/fleet/publish';
import { validationError } from '../support/validation-error';
import { crashFleets } from './write-fleet-fixtures';

const SEED = 1506;
const KILLS = 8;

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-write-fleet-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let n = 0;
const newDir = () => path.join(fs.mkdtempSync(path.join(tmpRoot, 'p')), `d${n++}`);
const lockOf = (dir: string) => path.join(path.dirname(dir), `.${path.basename(dir)}${FLEET_LOCK_SUFFIX}`);

const [fleetA, fleetB] = crashFleets();
const filesA = renderFleet(fleetA).files;
const filesB = renderFleet(fleetB).files;

/** The guarantee, checked on an output path left by a killed writer: one whole fleet. */
function checkWhole(dir: string): 'a' | 'b' {
  // a kill between the two renames of the publication: no output path, the previous set whole beside it
  // (the next run puts it back)
  const real = fs.existsSync(dir) ? dir : previousBeside(dir);
  const names = fs.readdirSync(real).sort();
  const which = names.join() === [...filesA.keys()].sort().join() ? 'a' : names.join() === [...filesB.keys()].sort().join() ? 'b' : undefined;
  if (!which) throw new Error(`a mixed or partial set: ${names.join(', ')}`);
  const expected = which === 'a' ? filesA : filesB;
  for (const name of names) {
    const content = fs.readFileSync(path.join(real, name), 'utf8');
    if (content !== expected.get(name)) throw new Error(`${name} is not fleet ${which}'s version (${content.length} bytes)`);
  }
  return which;
}

function previousBeside(dir: string): string {
  const asides = fs.readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`.${path.basename(dir)}${FLEET_GENERATION_INFIX}`) && f.endsWith('-previous'));
  if (asides.length !== 1) throw new Error(`no output path and ${asides.length} previous outputs beside it`);
  return path.join(path.dirname(dir), asides[0]);
}

/** The output directory alone: no lock, no generation, no previous output, no .partial. */
function checkClean(dir: string): void {
  expect(fs.lstatSync(dir).isDirectory()).toBe(true);
  expect(fs.readdirSync(path.dirname(dir))).toEqual([path.basename(dir)]);
  const all = fs.readdirSync(dir);
  expect(all.filter((f) => f.endsWith('.partial'))).toEqual([]);
}

function runChildUntilKilled(dir: string, delayMs: number, parallel: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'write-fleet-child.ts'), dir, parallel ? 'parallel' : 'inline'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let out = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve((out.match(/^w\d+$/gm) ?? []).length) : reject(new Error(`writer exited by itself: ${stderr}`))));
  });
}

describe('writeFleet survives SIGKILL at any point, the publication included: the set is whole', () => {
  it.each([false, true])(`${KILLS} kills at seeded random moments (seed ${SEED}), parallel %s`, async (parallel) => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const delays = fc.sample(fc.integer({ min: 0, max: 1500 }), { numRuns: KILLS, seed: SEED + Number(parallel) });
    const seen = { a: 0, b: 0, runs: 0 };
    for (const delay of delays) {
      seen.runs += await runChildUntilKilled(dir, delay, parallel);
      seen[checkWhole(dir)]++;
    }
    // the kills fell between and inside runs: both fleets were seen published
    expect(seen.runs).toBeGreaterThan(0);
    // the next run cleans up: exactly its files, no lock, no temporary file
    const r = writeFleet(dir, fleetB);
    expect(checkWhole(dir)).toBe('b');
    checkClean(dir);
    expect(fs.existsSync(lockOf(dir))).toBe(false);
    expect(r.files).toEqual([...filesB.keys()]);
  }, 300_000);
});

describe('FleetApp.synth takes the same lock: two at once end with one complete fleet', () => {
  function synthChild(dir: string, which: 'a' | 'b', go: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fleet-app-child.ts'), dir, which, go], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`synth child failed (${code}): ${err}`))));
    });
  }

  it('2 rounds of two concurrent synths: each ends with ok or a FleetLockedError, the output is one whole fleet', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = newDir();
      const go = path.join(tmpRoot, `go-${n++}`);
      const both = Promise.all([synthChild(dir, 'a', go), synthChild(dir, 'b', go)]);
      setTimeout(() => fs.writeFileSync(go, ''), 4000);
      const results = await both;
      expect(results.every((r) => r === 'ok' || r === 'locked')).toBe(true);
      expect(results).toContain('ok');
      checkWhole(dir);
      checkClean(dir);
      expect(fs.existsSync(lockOf(dir))).toBe(false);
    }
  }, 300_000);
});

describe('writeFleet leftovers, locks, symlinks and paths', () => {
  it('a crashed run\'s generation, temporary link and stale lock are removed by the next run', () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const parent = path.dirname(dir);
    fs.mkdirSync(path.join(parent, `.${path.basename(dir)}${FLEET_GENERATION_INFIX}123-x`));
    fs.writeFileSync(path.join(parent, `.${path.basename(dir)}${FLEET_GENERATION_INFIX}123-x`, 'c1.k8s.yaml'), 'half');
    // a lock of a process that no longer runs
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(lockOf(dir), `${dead}\n`);
    const r = writeFleet(dir, fleetB);
    expect(checkWhole(dir)).toBe('b');
    checkClean(dir);
    expect([...r.removed].sort()).toEqual(['c1.k8s.yaml', 'c2.k8s.yaml', 'c3.k8s.yaml']);
  });

  it('a kill between the two renames (no output path, the previous set beside it): the next run puts it back first', () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    // the state such a kill leaves: the output moved aside, the new generation not yet renamed into place
    fs.renameSync(dir, path.join(path.dirname(dir), `.${path.basename(dir)}${FLEET_GENERATION_INFIX}999-x-previous`));
    fs.mkdirSync(path.join(path.dirname(dir), `.${path.basename(dir)}${FLEET_GENERATION_INFIX}999-x`));
    expect(checkWhole(dir)).toBe('a');
    // even a run that then fails on its input leaves the previous set back in place
    const bad = [{ ...fleetB[0], cluster: { ...fleetB[0].cluster, kubernetesVersion: 'v1.31' } }];
    validationError(() => writeFleet(dir, bad));
    expect(fs.lstatSync(dir).isDirectory()).toBe(true);
    expect(checkWhole(dir)).toBe('a');
    checkClean(dir);
  });

  it('a live writer\'s lock makes a second writer fail clearly, and leaves the files alone', async () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      fs.writeFileSync(lockOf(dir), `${holder.pid} ${processStartTime(holder.pid!) ?? '-'}\n`);
      expect(() => writeFleet(dir, fleetB)).toThrow(FleetLockedError);
      expect(() => writeFleet(dir, fleetB)).toThrow(new RegExp(`pid ${holder.pid}`));
      expect(checkWhole(dir)).toBe('a');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a lock naming a live pid that was reused by another process (other start time) is stale', () => {
    if (processStartTime(process.pid) === undefined) return; // no /proc: the pid is all there is
    const dir = newDir();
    writeFleet(dir, fleetA);
    // this very process is alive, but not the one that took the lock: its start time differs
    fs.writeFileSync(lockOf(dir), `${process.pid} ${Number(processStartTime(process.pid)) - 1}\n`);
    writeFleet(dir, fleetB);
    expect(checkWhole(dir)).toBe('b');
    expect(fs.existsSync(lockOf(dir))).toBe(false);
  });

  it('a symlinked outdir stays a symlink; its target is published', () => {
    const target = newDir();
    fs.mkdirSync(target);
    const link = path.join(tmpRoot, `link${n++}`);
    fs.symlinkSync(target, link);
    const r = writeFleet(link, fleetA);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(r.outdir).toBe(fs.realpathSync(path.dirname(target)) + path.sep + path.basename(target));
    expect(fs.readdirSync(link).sort()).toEqual([...filesA.keys()].sort());
    expect(checkWhole(target)).toBe('a');
  });

  it('an output directory of plain files (an older version\'s output) is replaced as a whole', () => {
    const dir = newDir();
    fs.mkdirSync(dir);
    for (const [name, content] of filesA) fs.writeFileSync(path.join(dir, name), content);
    const r = writeFleet(dir, fleetB);
    expect(fs.lstatSync(dir).isDirectory()).toBe(true);
    expect(checkWhole(dir)).toBe('b');
    expect([...r.removed].sort()).toEqual(['c1.k8s.yaml', 'c2.k8s.yaml', 'c3.k8s.yaml']);
  });

  it('an extension with a path separator or ".." is a ValidationError and writes nothing outside', () => {
    const dir = newDir();
    for (const ext of ['.yaml/../../x.yaml', '/x.yaml', '..yaml', 'a\\b.yaml', '']) {
      expect(validationError(() => writeFleet(dir, fleetA, { outputFileExtension: ext })).issues[0].path).toBe('options.outputFileExtension');
    }
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(tmpRoot).filter((f) => f.endsWith('x.yaml'))).toEqual([]);
  });

  it('writeFleet(undefined, []), a non-directory outdir and a non-boolean parallel are ValidationErrors', () => {
    expect(validationError(() => writeFleet(undefined as any, [])).issues[0].path).toBe('outdir');
    const file = path.join(tmpRoot, `file${n++}`);
    fs.writeFileSync(file, 'x');
    expect(validationError(() => writeFleet(file, [])).issues[0].message).toMatch(/is not a directory/);
    expect(validationError(() => writeFleet(newDir(), [], { parallel: 'yes' as any })).issues[0]).toEqual({ path: 'options.parallel', message: 'must be true or false, got "yes"' });
  });

  it.each([false, true])('invalid input leaves the previous files and no generation or temporary file (parallel %s)', (parallel) => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const bad = [...fleetB, { ...fleetB[0], cluster: { ...fleetB[0].cluster, name: 'zz', kubernetesVersion: 'v1.31' } }];
    validationError(() => writeFleet(dir, bad, { parallel }));
    expect(checkWhole(dir)).toBe('a');
    checkClean(dir);
    expect(fs.readdirSync(path.dirname(dir))).toEqual([path.basename(dir)]);
  });
});

describe('a full disk or a read-only file system: a clear error, the previous output, nothing partial', () => {
  const fsError = (code: string, syscall: string) => Object.assign(new Error(`${code}: raw message, ${syscall}`), { code, syscall, errno: -28 });

  // the module object the library writes through (an `import * as` namespace is a copy of it)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fsModule: typeof fs = require('fs');
  afterEach(() => jest.restoreAllMocks());

  it('ENOSPC while a file is written', () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    let writes = 0;
    const real = fsModule.writeSync;
    jest.spyOn(fsModule, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      if (++writes === 4) throw fsError('ENOSPC', 'write');
      return (real as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    let err: unknown;
    try { writeFleet(dir, fleetB, { parallel: false }); } catch (e) { err = e; }
    jest.restoreAllMocks();
    expect(err).toBeInstanceOf(FleetWriteError);
    expect((err as FleetWriteError).code).toBe('ENOSPC');
    expect((err as Error).message).toMatch(/^cannot write the fleet to .*: no space left on the device \(ENOSPC\); the previous output is unchanged and nothing partial was left$/);
    expect(checkWhole(dir)).toBe('a');
    checkClean(dir);
    expect(fs.readdirSync(path.dirname(dir))).toEqual([path.basename(dir)]);
  });

  it('a failure of the final rename puts the previous output directory back', () => {
    const dir = newDir();
    fs.mkdirSync(dir);
    for (const [name, content] of filesA) fs.writeFileSync(path.join(dir, name), content);
    const real = fsModule.renameSync;
    jest.spyOn(fsModule, 'renameSync').mockImplementation(((from: fs.PathLike, to: fs.PathLike) => {
      // the second rename: the new generation into place
      if (path.basename(String(to)) === path.basename(dir) && !String(from).endsWith('-previous')) throw fsError('ENOSPC', 'rename');
      return real(from, to);
    }) as typeof fs.renameSync);
    let err: unknown;
    try { writeFleet(dir, fleetB); } catch (e) { err = e; }
    jest.restoreAllMocks();
    expect((err as FleetWriteError).code).toBe('ENOSPC');
    expect(fs.lstatSync(dir).isDirectory()).toBe(true);
    expect(checkWhole(dir)).toBe('a');
    expect(fs.readdirSync(path.dirname(dir))).toEqual([path.basename(dir)]);
  });

  it('EROFS when the lock is created', () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const real = fsModule.openSync;
    jest.spyOn(fsModule, 'openSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      if (String(p).includes('.capi-constructs-lock-')) throw fsError('EROFS', 'open');
      return (real as (...a: unknown[]) => number)(p, ...rest);
    }) as typeof fs.openSync);
    let err: unknown;
    try { writeFleet(dir, fleetB); } catch (e) { err = e; }
    jest.restoreAllMocks();
    expect(err).toBeInstanceOf(FleetWriteError);
    expect((err as Error).message).toMatch(/the file system is read-only \(EROFS\)/);
    expect(checkWhole(dir)).toBe('a');
    checkClean(dir);
  });
});
