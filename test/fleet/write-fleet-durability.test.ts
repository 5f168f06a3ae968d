/**
 * Issue 31: writeFleet makes the new output durable once, not file by file: `sync -f <generation>`
 * (syncfs(2)) where the command exists and succeeds, otherwise an fsync of every file (by the render
 * threads, each its own files) and of the directory. A failure there is a FleetWriteError and leaves the
 * previous output as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FleetWriteError, renderFleet, writeFleet } from '../../lib/core';
import { addFleet, FleetApp } from '../../lib/cdk8s/fleet';
import { FLEET_GENERATION_INFIX } from '../../lib/core/fleet/publish';
import { fleetSpecs } from '../../bench/fleet-gen';
import { cleanTmp, readDir, tmpDir } from './fixtures';

// the module objects the library calls through (an `import * as` namespace is a copy)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsModule: typeof fs = require('fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess: typeof import('child_process') = require('child_process');

afterEach(() => jest.restoreAllMocks());
afterAll(cleanTmp);
beforeAll(() => {
  process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';
});

const specs = fleetSpecs(6);
const expected = Object.fromEntries([...renderFleet(specs).files].sort(([a], [b]) => (a < b ? -1 : 1)));

/** Records the `sync` commands run, and makes them fail when `missing` (as where coreutils' sync has no -f). */
function watchSync(missing: boolean): string[][] {
  const calls: string[][] = [];
  const real = childProcess.execFileSync;
  jest.spyOn(childProcess, 'execFileSync').mockImplementation(((file: string, args?: readonly string[], ...rest: unknown[]) => {
    if (file !== 'sync') return (real as (...a: unknown[]) => unknown)(file, args, ...rest);
    calls.push([file, ...(args ?? [])]);
    if (missing) throw Object.assign(new Error('spawnSync sync ENOENT'), { code: 'ENOENT', syscall: 'spawnSync sync' });
    return (real as (...a: unknown[]) => unknown)(file, args, ...rest);
  }) as typeof childProcess.execFileSync);
  return calls;
}

/** The paths fsynced on the calling thread. */
function watchFsync(): string[] {
  const synced: string[] = [];
  const realOpen = fsModule.openSync;
  const realFsync = fsModule.fsyncSync;
  const pathOf = new Map<number, string>();
  jest.spyOn(fsModule, 'openSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (realOpen as (...a: unknown[]) => number)(p, ...rest);
    pathOf.set(fd, String(p));
    return fd;
  }) as typeof fs.openSync);
  jest.spyOn(fsModule, 'fsyncSync').mockImplementation(((fd: number) => {
    synced.push(pathOf.get(fd) ?? `fd ${fd}`);
    return realFsync(fd);
  }) as typeof fs.fsyncSync);
  return synced;
}

/** The two writers that publish a fleet, each writing `specs` to `out` on the calling thread. */
const writers: [string, (out: string) => void][] = [
  ['writeFleet', (out) => writeFleet(out, specs, { parallel: false })],
  ['FleetApp.synth', (out) => {
    const app = new FleetApp({ outdir: out });
    addFleet(app, specs);
    app.synth();
  }],
];

describe.each(writers)('%s makes the output durable at once', (_name, write) => {
  it('with sync -f on the generation directory, no file is fsynced one by one', () => {
    const calls = watchSync(false);
    const synced = watchFsync();
    const out = path.join(tmpDir(), 'out');
    write(out);
    expect(calls).toHaveLength(1);
    expect(calls[0].slice(0, 2)).toEqual(['sync', '-f']);
    expect(path.basename(calls[0][2])).toContain(FLEET_GENERATION_INFIX);
    expect(synced.filter((p) => p.endsWith('.k8s.yaml'))).toEqual([]);
    expect(readDir(out)).toEqual(expected);
  });

  it('where sync -f is missing, every file and the directory are fsynced', () => {
    watchSync(true);
    const synced = watchFsync();
    const out = path.join(tmpDir(), 'out');
    write(out);
    expect(synced.filter((p) => p.endsWith('.k8s.yaml')).map((p) => path.basename(p)).sort()).toEqual(Object.keys(expected));
    expect(synced.some((p) => path.basename(p).includes(FLEET_GENERATION_INFIX))).toBe(true);
    expect(readDir(out)).toEqual(expected);
  });
});

describe('writeFleet makes the output durable at once', () => {
  it('where sync -f is missing, render threads fsync their files, and the output is whole', () => {
    const calls = watchSync(true);
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, fleetSpecs(40), { parallel: true });
    expect(calls).toHaveLength(1);
    expect(Object.keys(readDir(out))).toHaveLength(40);
  });

  it('an fsync that fails is a FleetWriteError; the previous output stays, nothing is left beside it', () => {
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, fleetSpecs(3), { parallel: false });
    const before = readDir(out);
    watchSync(true);
    jest.spyOn(fsModule, 'fsyncSync').mockImplementation(() => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO', syscall: 'fsync' });
    });
    let err: unknown;
    try {
      writeFleet(out, specs, { parallel: false });
    } catch (e) {
      err = e;
    }
    jest.restoreAllMocks();
    expect(err).toBeInstanceOf(FleetWriteError);
    expect((err as FleetWriteError).code).toBe('EIO');
    expect((err as Error).message).toMatch(/^cannot write the fleet to .*out: input\/output error \(EIO\); the previous output is unchanged/);
    expect(readDir(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });
});
