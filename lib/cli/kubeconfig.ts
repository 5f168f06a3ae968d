/**
 * Finding and loading the kubeconfig of `node` and `serve`, with one-line messages: which file, and
 * what is wrong with it (missing, empty, not a kubeconfig). The file's path, never its content.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError } from './args';

/** The files `--kubeconfig`, `KUBECONFIG` or the default name, in the order the client reads them; [] for in-cluster or none. */
function candidates(flag: string | undefined, env: NodeJS.ProcessEnv): { files: string[]; source: string } {
  if (flag !== undefined) return { files: [flag], source: '--kubeconfig' };
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  if (fromEnv.length > 0) return { files: fromEnv, source: 'KUBECONFIG' };
  const home = path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  return { files: fs.existsSync(home) ? [home] : [], source: '~/.kube/config' };
}

/**
 * Runs `load` (the client's loader: a file, or undefined for its default lookup) after checking that a
 * kubeconfig exists and is not empty; any failure is a {@link ConfigError} naming the file.
 */
export function loadKubeconfig<T>(flag: string | undefined, load: (file?: string) => T, env: NodeJS.ProcessEnv = process.env): T {
  const { files, source } = candidates(flag, env);
  if (files.length === 0 && !env.KUBERNETES_SERVICE_HOST) {
    throw new ConfigError('no kubeconfig: pass --kubeconfig <file>, set KUBECONFIG, or create ~/.kube/config');
  }
  for (const f of source === 'KUBECONFIG' ? files.slice(0, 1) : files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read the kubeconfig ${f} (${source}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (text.trim() === '') throw new ConfigError(`the kubeconfig ${f} (${source}) is empty`);
  }
  const where = files.length > 0 ? `${files.join(path.delimiter)} (${source})` : '(in-cluster service account)';
  let loaded: T;
  try {
    loaded = load(flag);
  } catch (e) {
    // a TypeError is the client reading a YAML document that is no kubeconfig, e.g. a list or a scalar
    const why = e instanceof TypeError ? 'not a kubeconfig (expected apiVersion: v1, kind: Config with clusters, contexts and users)' : (e as Error).message.split('\n')[0].slice(0, 200);
    throw new ConfigError(`cannot load the kubeconfig ${where}: ${why}`);
  }
  // the client accepts any YAML and fails only at its first request: a kubeconfig must select a cluster
  const current = (loaded as { getCurrentCluster?: () => unknown }).getCurrentCluster?.();
  if (current === null || current === undefined) {
    throw new ConfigError(`cannot load the kubeconfig ${where}: not a kubeconfig, or its current-context names no cluster (expected kind: Config with clusters, contexts, users and current-context)`);
  }
  return loaded;
}
