/**
 * Issue 15, defect 6: writeFleet across crashes and concurrent writers. A child process writes two
 * fleets in turns and is killed with SIGKILL at seeded random moments; after every kill the output
 * directory must exist and hold only complete files, each byte for byte the version of one of the two
 * fleets, and the next writeFleet must end with exactly its own files and no leftovers.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { FleetLockedError, renderFleet, writeFleet } from '../../lib/core';
import { FLEET_LOCK_FILE, FLEET_TMP_PREFIX } from '../../lib/core/fleet/write-fleet';
import { validationError } from '../support/validation-error';
import { crashFleets } from './write-fleet-fixtures';

const SEED = 1506;
const KILLS = 12;

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-write-fleet-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let n = 0;
const newDir = () => path.join(tmpRoot, `d${n++}`);

const [fleetA, fleetB] = crashFleets();
const filesA = renderFleet(fleetA).files;
const filesB = renderFleet(fleetB).files;

/** The guarantee, checked on a directory left by a killed writer. */
function checkAfterCrash(dir: string): { fromA: number; fromB: number } {
  expect(fs.statSync(dir).isDirectory()).toBe(true);
  let fromA = 0;
  let fromB = 0;
  for (const name of fs.readdirSync(dir)) {
    if (name === FLEET_LOCK_FILE || name.startsWith(FLEET_TMP_PREFIX)) continue;
    const content = fs.readFileSync(path.join(dir, name), 'utf8');
    const a = filesA.get(name);
    const b = filesB.get(name);
    if (content === a) fromA++;
    else if (content === b) fromB++;
    else throw new Error(`${name} is neither fleet A's nor fleet B's version (${content.length} bytes)`);
  }
  return { fromA, fromB };
}

function runChildUntilKilled(dir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'write-fleet-child.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited by itself: ${stderr}`))));
  });
}

describe('writeFleet survives SIGKILL at any point', () => {
  it(`${KILLS} kills at seeded random moments (seed ${SEED})`, async () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const delays = fc.sample(fc.integer({ min: 0, max: 400 }), { numRuns: KILLS, seed: SEED });
    const seen = { a: 0, b: 0, mixed: 0 };
    for (const delay of delays) {
      await runChildUntilKilled(dir, delay);
      const { fromA, fromB } = checkAfterCrash(dir);
      if (fromA > 0 && fromB > 0) seen.mixed++;
      else if (fromB > 0) seen.b++;
      else seen.a++;
    }
    // the next run cleans up: exactly its files, no lock, no temporary file
    const r = writeFleet(dir, fleetB);
    expect(fs.readdirSync(dir).sort()).toEqual([...filesB.keys()].sort());
    for (const [name, content] of filesB) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(content);
    expect(r.files).toEqual([...filesB.keys()]);
    expect(seen.a + seen.b + seen.mixed).toBe(KILLS);
  }, 120_000);
});

describe('writeFleet leftovers, locks, symlinks and paths', () => {
  it('a crashed run\'s temporary files and stale lock are removed by the next run', () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    fs.writeFileSync(path.join(dir, `${FLEET_TMP_PREFIX}123-x-c1.k8s.yaml.partial`), 'half');
    // a lock of a process that no longer runs
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(dir, FLEET_LOCK_FILE), `${dead}\n`);
    const r = writeFleet(dir, fleetB);
    expect(fs.readdirSync(dir).sort()).toEqual([...filesB.keys()].sort());
    expect([...r.removed].sort()).toEqual(['c1.k8s.yaml', 'c2.k8s.yaml', 'c3.k8s.yaml']);
  });

  it('a live writer\'s lock makes a second writer fail clearly, and leaves the files alone', async () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, FLEET_LOCK_FILE), `${holder.pid}\n`);
      expect(() => writeFleet(dir, fleetB)).toThrow(FleetLockedError);
      expect(() => writeFleet(dir, fleetB)).toThrow(new RegExp(`pid ${holder.pid}`));
      for (const [name, content] of filesA) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(content);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a symlinked outdir stays a symlink; its target is written', () => {
    const target = newDir();
    fs.mkdirSync(target);
    const link = path.join(tmpRoot, `link${n++}`);
    fs.symlinkSync(target, link);
    const r = writeFleet(link, fleetA);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(r.outdir).toBe(fs.realpathSync(target));
    expect(fs.readdirSync(target).sort()).toEqual([...filesA.keys()].sort());
  });

  it('an extension with a path separator or ".." is a ValidationError and writes nothing outside', () => {
    const dir = newDir();
    for (const ext of ['.yaml/../../x.yaml', '/x.yaml', '..yaml', 'a\\b.yaml', '']) {
      expect(validationError(() => writeFleet(dir, fleetA, { outputFileExtension: ext })).issues[0].path).toBe('options.outputFileExtension');
    }
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(tmpRoot).filter((f) => f.endsWith('x.yaml'))).toEqual([]);
  });

  it('writeFleet(undefined, []) and a non-directory outdir are ValidationErrors', () => {
    expect(validationError(() => writeFleet(undefined as any, [])).issues[0].path).toBe('outdir');
    const file = path.join(tmpRoot, `file${n++}`);
    fs.writeFileSync(file, 'x');
    expect(validationError(() => writeFleet(file, [])).issues[0].message).toMatch(/is not a directory/);
  });

  it('invalid input leaves the previous files and no temporary file', () => {
    const dir = newDir();
    writeFleet(dir, fleetA);
    const bad = [...fleetB, { ...fleetB[0], cluster: { ...fleetB[0].cluster, name: 'zz', kubernetesVersion: 'v1.31' } }];
    validationError(() => writeFleet(dir, bad));
    expect(fs.readdirSync(dir).sort()).toEqual([...filesA.keys()].sort());
  });
});
