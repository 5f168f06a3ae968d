/**
 * A Python virtual environment with exactly the packages of a pinned requirements file, created once per
 * (requirements, Python version) in `~/.cache/capi-constructs/py-<hash>` and reused after. It is built in
 * a temporary directory that is renamed into place, so concurrent test runs never use a half-installed
 * one. pip fetches the pinned versions from PyPI while the environment is set up; nothing afterwards.
 */
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cachedDirectory } from './cache-dir';

/** The interpreter of the environment for `requirements` (a file of `name==version` lines). */
export function pythonVenv(requirements: string, python = 'python3'): string {
  const pins = fs.readFileSync(requirements, 'utf8');
  for (const line of pins.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean)) {
    if (!/^[A-Za-z0-9._-]+==[A-Za-z0-9.+-]+$/.test(line)) throw new Error(`${requirements}: ${line} is not pinned to one version (name==version)`);
  }
  const version = execFileSync(python, ['-c', 'import sys; print(sys.version)'], { encoding: 'utf8' }).trim();
  const hash = createHash('sha256').update(pins).update('\0').update(version).digest('hex').slice(0, 16);
  const root = path.join(os.homedir(), '.cache', 'capi-constructs');
  const target = cachedDirectory(root, `py-${hash}`, pins, (tmp) => {
    execFileSync(python, ['-m', 'venv', tmp], { stdio: 'ignore' });
    execFileSync(path.join(tmp, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', requirements], { stdio: ['ignore', 'ignore', 'pipe'] });
  });
  return path.join(target, 'bin', 'python');
}
