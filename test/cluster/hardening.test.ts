/**
 * The API server hardening of `kubeadm.apiServer` on a real kube-apiserver and etcd (the binaries of
 * the management-cluster build, `CAPI_COMPONENTS_BIN`).
 *
 * The library renders a KubeadmControlPlane; its `clusterConfiguration.apiServer` (extraArgs and
 * extraVolumes) goes into a kubeadm ClusterConfiguration, and kubeadm from the same Kubernetes module
 * renders the API server's static pod manifest (`kubeadm init phase control-plane apiserver
 * --dry-run`). The test checks that every file the library writes is visible in that pod through a
 * host-path volume, writes the files (inline content, or the test's Secret content for `contentFrom`)
 * under a temporary root, and starts etcd and kube-apiserver with exactly the command line kubeadm
 * rendered: only the node's host paths move under the temporary root, the address becomes 127.0.0.1
 * and etcd's URL the test's etcd. Then:
 * - encryption: a Secret is stored as `k8s:enc:secretbox:v1:<key>:` in etcd;
 * - audit: a ConfigMap write is logged at Metadata, a Namespace write at Request, health checks not at all;
 * - OIDC: a token of the test's issuer (HTTPS on 127.0.0.1, its own CA, a key made here) authenticates
 *   as the mapped user; a token of another issuer, or signed with another key, does not;
 * - Pod Security: a privileged Pod is refused in a namespace at the enforced level, and admitted in an
 *   exempted one.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Chart, Testing } from 'cdk8s';
import { Cluster, ControlPlaneGroup, CustomMachineTemplate, encryptionConfiguration } from '../../lib';
import { TEST_INFRA } from '../support/infrastructure';

jest.setTimeout(240_000);

/** The Kubernetes binaries of the build: `<CAPI_COMPONENTS_BIN>/kube/<binary>` (mgmt/go/kube). */
const BIN = path.join(process.env.CAPI_COMPONENTS_BIN ?? '/nonexistent', 'kube');
const KUBEADM_VERSION = 'v1.36.3';
const ADVERTISE = '10.11.12.13'; // kubeadm picks no address from the loopback interface; replaced by 127.0.0.1 below

let tmp = '';
const children: ChildProcess[] = [];
const servers: https.Server[] = [];
let apiPort = 0;
let etcdPort = 0;
let pki = '';
let clientCert: { cert: Buffer; key: Buffer } = { cert: Buffer.alloc(0), key: Buffer.alloc(0) };
let issuerUrl = '';
let otherIssuerUrl = '';
const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ENCRYPTION_KEY = crypto.randomBytes(32).toString('base64');
let renderedArgs: Record<string, string> = {};
/** What the API server answered, quoted by docs/hardening.md: HARDENING_EVIDENCE=<file> writes it as JSON. */
const evidence: Record<string, unknown> = {};
let apiServerLog = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function kubeadm(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(path.join(BIN, 'kubeadm'), args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Certificates of a kubeadm configuration: the cluster's PKI, or the test issuer's. */
function kubeadmConfig(certificatesDir: string, endpointPort: number, apiServer?: unknown): string {
  return YAML.stringify({
    apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', kubernetesVersion: KUBEADM_VERSION, certificatesDir,
    controlPlaneEndpoint: `127.0.0.1:${endpointPort}`, apiServer,
  }) + '---\n' + YAML.stringify({
    apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'InitConfiguration',
    localAPIEndpoint: { advertiseAddress: ADVERTISE, bindPort: endpointPort },
    nodeRegistration: { name: 'cp-0', criSocket: 'unix:///var/run/containerd/containerd.sock' },
  });
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

function jwt(key: crypto.KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = b64url(JSON.stringify(claims));
  const sig = crypto.sign('sha256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${b64url(sig)}`;
}

/** An OIDC issuer on 127.0.0.1: discovery document and JWKS over HTTPS. */
async function startIssuer(dir: string, port: number, publicKey: crypto.KeyObject, kid: string): Promise<string> {
  kubeadm(['init', 'phase', 'certs', 'ca', '--config', writeConfig(dir, port)]);
  kubeadm(['init', 'phase', 'certs', 'apiserver', '--config', path.join(dir, 'kubeadm.yaml')]);
  const url = `https://127.0.0.1:${port}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const server = https.createServer({ cert: fs.readFileSync(path.join(dir, 'apiserver.crt')), key: fs.readFileSync(path.join(dir, 'apiserver.key')) }, (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks`, id_token_signing_alg_values_supported: ['RS256'], response_types_supported: ['id_token'], subject_types_supported: ['public'] }));
    } else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return url;
}

function writeConfig(dir: string, port: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kubeadm.yaml');
  fs.writeFileSync(file, kubeadmConfig(dir, port));
  return file;
}

/** The library's KubeadmControlPlane kubeadmConfigSpec for this test. */
function render(): Record<string, any> {
  const chart = new Chart(Testing.app(), 'hardening');
  const cluster = new Cluster(chart, 'c', { name: 'hardened', namespace: 'tenants', kubernetesVersion: 'v1.35.0', infrastructure: TEST_INFRA, cni: 'none' });
  new ControlPlaneGroup(chart, 'cp', {
    cluster,
    machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.35.0' } }),
    kubeadm: {
      apiServer: {
        encryption: { configFrom: { secret: { name: 'hardened-encryption', key: 'config.yaml' } } },
        audit: {},
        authentication: { issuers: [{ url: issuerUrl, audiences: ['kubectl'], certificateAuthorityFrom: { secret: { name: 'issuer-ca', key: 'ca.crt' } }, groupsClaim: 'groups' }] },
        podSecurity: { enforce: 'baseline', exemptNamespaces: ['legacy'] },
      },
    },
  });
  return Testing.synth(chart).find((o: any) => o.kind === 'KubeadmControlPlane').spec.kubeadmConfigSpec;
}

/** The Secrets the test plays the management cluster's part for (`contentFrom`). */
const SECRETS: Record<string, string> = {
  'hardened-encryption/config.yaml': encryptionConfiguration({ provider: 'secretbox', keys: [{ name: 'key1', secret: ENCRYPTION_KEY }] }),
};

const mapHostPath = (p: string): string => (p.startsWith('/etc/kubernetes/') || p.startsWith('/var/log/kubernetes/') ? path.join(tmp, 'root', p) : p);

const mapNodePaths = (text: string): string => text.replace(/(?<![\w/])\/(etc|var\/log)\/kubernetes\//g, (m) => path.join(tmp, 'root', m));

async function request(method: string, urlPath: string, opts: { body?: unknown; token?: string } = {}): Promise<{ status: number; body: any }> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: apiPort, path: urlPath, method, agent: false, ca: fs.readFileSync(path.join(pki, 'ca.crt')),
      ...(opts.token ? { headers: { authorization: `Bearer ${opts.token}` } } : clientCert),
    }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        let parsed: unknown = data;
        try { parsed = JSON.parse(data); } catch { /* text */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    if (body) req.setHeader('content-type', 'application/json');
    req.end(body);
  });
}

/** The raw value of an etcd key (etcd's JSON gateway, with the API server's etcd client certificate). */
async function etcdGet(key: string): Promise<Buffer | undefined> {
  const body = JSON.stringify({ key: Buffer.from(key).toString('base64') });
  const res: any = await new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: etcdPort, path: '/v3/kv/range', method: 'POST', agent: false,
      ca: fs.readFileSync(path.join(pki, 'etcd/ca.crt')),
      cert: fs.readFileSync(path.join(pki, 'apiserver-etcd-client.crt')), key: fs.readFileSync(path.join(pki, 'apiserver-etcd-client.key')),
    }, (r) => {
      let d = '';
      r.on('data', (c) => { d += c; });
      r.on('end', () => resolve(JSON.parse(d)));
    });
    req.on('error', reject);
    req.end(body);
  });
  const kv = res.kvs?.[0];
  return kv ? Buffer.from(kv.value, 'base64') : undefined;
}

async function waitFor(what: string, check: () => Promise<boolean>, seconds = 90): Promise<void> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (/exited with/.test(String(e))) throw e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${apiServerLog.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(BIN, 'kube-apiserver'))) {
    throw new Error(`CAPI_COMPONENTS_BIN must name the directory of the built components, with kube/{kube-apiserver,etcd,kubeadm} (npm run mgmt:build); ${BIN} has none`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-hardening-'));
  const [issuerPort, otherPort] = [await freePort(), await freePort()];
  apiPort = await freePort();
  etcdPort = await freePort();
  const peerPort = await freePort();
  issuerUrl = await startIssuer(path.join(tmp, 'issuer'), issuerPort, signingKey.publicKey, 'test-key');
  otherIssuerUrl = await startIssuer(path.join(tmp, 'other-issuer'), otherPort, otherKey.publicKey, 'other-key');

  SECRETS['issuer-ca/ca.crt'] = fs.readFileSync(path.join(tmp, 'issuer', 'ca.crt'), 'utf8');
  const spec = render();
  const apiServer = spec.clusterConfiguration.apiServer;
  renderedArgs = Object.fromEntries(apiServer.extraArgs.map((a: { name: string; value: string }) => [a.name, a.value]));

  // kubeadm: the cluster's certificates, a system:masters kubeconfig, and the API server's static pod
  pki = path.join(tmp, 'pki');
  const config = path.join(tmp, 'kubeadm.yaml');
  fs.writeFileSync(config, kubeadmConfig(pki, apiPort, apiServer));
  kubeadm(['init', 'phase', 'certs', 'all', '--config', config]);
  kubeadm(['init', 'phase', 'kubeconfig', 'super-admin', '--config', config, '--kubeconfig-dir', tmp]);
  const admin = YAML.parse(fs.readFileSync(path.join(tmp, 'super-admin.conf'), 'utf8'));
  clientCert = {
    cert: Buffer.from(admin.users[0].user['client-certificate-data'], 'base64'),
    key: Buffer.from(admin.users[0].user['client-key-data'], 'base64'),
  };
  const dry = path.join(tmp, 'dry-run');
  fs.mkdirSync(dry);
  kubeadm(['init', 'phase', 'control-plane', 'apiserver', '--config', config, '--dry-run'], { KUBEADM_INIT_DRYRUN_DIR: dry });
  const pod = YAML.parse(fs.readFileSync(path.join(dry, 'kube-apiserver.yaml'), 'utf8'));
  fs.writeFileSync(path.join(tmp, 'kube-apiserver.yaml'), YAML.stringify(pod));
  const container = pod.spec.containers[0];

  // every file the library writes is inside a host-path volume mounted at the same path
  for (const f of spec.files) {
    const mount = container.volumeMounts.find((m: any) => f.path.startsWith(`${m.mountPath}/`));
    expect(mount).toBeDefined();
    const vol = pod.spec.volumes.find((v: any) => v.name === mount.name);
    expect(vol.hostPath.path).toBe(mount.mountPath);
    const content = f.content ?? SECRETS[`${f.contentFrom.secret.name}/${f.contentFrom.secret.key}`];
    expect(content).toBeDefined();
    const target = mapHostPath(f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, mapNodePaths(content), { mode: parseInt(f.permissions ?? '0644', 8) });
  }
  // the preKubeadmCommands (the CA splice of the AuthenticationConfiguration), with the node's paths mapped
  for (const c of spec.preKubeadmCommands ?? []) execFileSync('sh', ['-c', mapNodePaths(c)], { stdio: 'inherit' });
  const auditLogMount = container.volumeMounts.find((m: any) => renderedArgs['audit-log-path'].startsWith(`${m.mountPath}/`));
  expect(auditLogMount.readOnly).toBeFalsy();

  const etcd = spawn(path.join(BIN, 'etcd'), [
    '--name=cp-0', `--data-dir=${path.join(tmp, 'etcd')}`,
    `--listen-client-urls=https://127.0.0.1:${etcdPort}`, `--advertise-client-urls=https://127.0.0.1:${etcdPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=cp-0=http://127.0.0.1:${peerPort}`,
    `--cert-file=${pki}/etcd/server.crt`, `--key-file=${pki}/etcd/server.key`, `--trusted-ca-file=${pki}/etcd/ca.crt`, '--client-cert-auth=true',
    '--listen-metrics-urls=', '--log-level=error',
  ], { stdio: 'ignore' });
  children.push(etcd);

  const args = (container.command as string[]).slice(1).map((a) => {
    const [flag, ...rest] = a.split('=');
    const value = rest.join('=');
    if (flag === '--advertise-address') return `${flag}=127.0.0.1`;
    if (flag === '--etcd-servers') return `${flag}=https://127.0.0.1:${etcdPort}`;
    return value.startsWith('/') ? `${flag}=${mapHostPath(value)}` : a;
  });
  args.push('--bind-address=127.0.0.1');
  const apiserver = spawn(path.join(BIN, 'kube-apiserver'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  apiserver.stderr!.on('data', (c) => { apiServerLog = (apiServerLog + c).slice(-200_000); });
  children.push(apiserver);
  await waitFor('the API server to be ready', async () => {
    if (apiserver.exitCode !== null) throw new Error(`kube-apiserver exited with ${apiserver.exitCode}:\n${apiServerLog.slice(-4000)}`);
    return (await request('GET', '/readyz')).status === 200;
  }, 120);
});

afterAll(async () => {
  for (const c of children.reverse()) {
    if (c.exitCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => { c.once('exit', r); setTimeout(r, 5000); });
    }
  }
  if (process.env.HARDENING_EVIDENCE) fs.writeFileSync(process.env.HARDENING_EVIDENCE, JSON.stringify(evidence, null, 2));
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('kubeadm renders the library\'s flags onto the API server\'s command line', () => {
  expect(renderedArgs).toEqual({
    'admission-control-config-file': '/etc/kubernetes/admission/config.yaml',
    'audit-log-maxage': '30', 'audit-log-maxbackup': '10', 'audit-log-maxsize': '100',
    'audit-log-path': '/var/log/kubernetes/audit/audit.log', 'audit-policy-file': '/etc/kubernetes/audit/policy.yaml',
    'authentication-config': '/etc/kubernetes/authentication/config.yaml',
    'encryption-provider-config': '/etc/kubernetes/encryption/config.yaml',
  });
  const pod = YAML.parse(fs.readFileSync(path.join(tmp, 'kube-apiserver.yaml'), 'utf8'));
  for (const [name, value] of Object.entries(renderedArgs)) expect(pod.spec.containers[0].command).toContain(`--${name}=${value}`);
});

test('encryption: a Secret is stored encrypted with secretbox in etcd, and reads back in clear through the API', async () => {
  const created = await request('POST', '/api/v1/namespaces/default/secrets', {
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-password' }, stringData: { password: 'correct-horse-battery-staple' } },
  });
  expect(created.status).toBe(201);
  const raw = await etcdGet('/registry/secrets/default/db-password');
  expect(raw).toBeDefined();
  evidence.etcdValue = `${raw!.subarray(0, 26).toString()}<${raw!.length - 26} bytes: nonce and ciphertext>`;
  expect(raw!.subarray(0, 26).toString()).toBe('k8s:enc:secretbox:v1:key1:');
  expect(raw!.includes(Buffer.from('correct-horse-battery-staple'))).toBe(false);
  const read = await request('GET', '/api/v1/namespaces/default/secrets/db-password');
  expect(Buffer.from(read.body.data.password, 'base64').toString()).toBe('correct-horse-battery-staple');
  // a ConfigMap is not in the resources list: stored as plain protobuf
  await request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: 'b' } } });
  const plain = await etcdGet('/registry/configmaps/default/plain');
  expect(plain!.subarray(0, 4).toString()).toBe('k8s\0');
});

test('audit: a ConfigMap write is logged at Metadata, a Namespace write at Request with its body, health checks not at all', async () => {
  expect((await request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited' }, data: { token: 'not-in-the-log' } } })).status).toBe(201);
  expect((await request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'audited-ns' } } })).status).toBe(201);
  const log = mapHostPath(renderedArgs['audit-log-path']);
  let events: any[] = [];
  await waitFor('the audit events', async () => {
    events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    return events.some((e) => e.objectRef?.name === 'audited-ns' && e.verb === 'create');
  }, 30);
  const brief = (e: any) => ({ level: e.level, stage: e.stage, verb: e.verb, user: e.user.username, objectRef: e.objectRef, requestObject: e.requestObject && '<the request body>' });
  const cm = events.filter((e) => e.objectRef?.resource === 'configmaps' && e.objectRef?.name === 'audited' && e.verb === 'create');
  expect(cm.map((e) => [e.level, e.stage])).toEqual([['Metadata', 'ResponseComplete']]);
  expect(cm[0].requestObject).toBeUndefined();
  expect(fs.readFileSync(log, 'utf8')).not.toContain('not-in-the-log');
  const ns = events.filter((e) => e.objectRef?.resource === 'namespaces' && e.objectRef?.name === 'audited-ns' && e.verb === 'create');
  expect(ns.map((e) => [e.level, e.stage])).toEqual([['Request', 'ResponseComplete']]);
  expect(ns[0].requestObject.metadata.name).toBe('audited-ns');
  evidence.audit = [brief(cm[0]), brief(ns[0])];
  expect(events.some((e) => /^\/(readyz|livez|healthz)/.test(e.requestURI))).toBe(false);
});

test('OIDC: a token of the configured issuer authenticates as the mapped user; another issuer\'s, or another key\'s, does not', async () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuerUrl, aud: 'kubectl', sub: 'alice', groups: ['developers'], iat: now, nbf: now, exp: now + 600 };
  const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
  const ok = await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: review, token: jwt(signingKey.privateKey, 'test-key', claims) });
  expect(ok.status).toBe(201);
  evidence.oidc = { userInfo: ok.body.status.userInfo };
  expect(ok.body.status.userInfo.username).toBe('oidc:alice');
  expect(ok.body.status.userInfo.groups).toEqual(expect.arrayContaining(['oidc:developers', 'system:authenticated']));
  const other = await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    body: review, token: jwt(otherKey.privateKey, 'other-key', { ...claims, iss: otherIssuerUrl }),
  });
  expect(other.status).toBe(401);
  evidence.oidcOtherIssuer = { status: other.status, message: other.body.message };
  const forged = await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: review, token: jwt(otherKey.privateKey, 'test-key', claims) });
  expect(forged.status).toBe(401);
  const wrongAudience = await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: review, token: jwt(signingKey.privateKey, 'test-key', { ...claims, aud: 'other-client' }) });
  expect(wrongAudience.status).toBe(401);
});

test('Pod Security: a privileged Pod is refused at the enforced baseline level and admitted in an exempted namespace', async () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'privileged' },
    spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }] },
  };
  for (const ns of ['enforced', 'legacy']) {
    expect((await request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } })).status).toBe(201);
    await request('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } } });
  }
  const refused = await request('POST', '/api/v1/namespaces/enforced/pods', { body: pod });
  evidence.podSecurity = { refused: { status: refused.status, message: refused.body.message } };
  expect(refused.status).toBe(403);
  expect(refused.body.message).toContain('violates PodSecurity "baseline:latest": privileged');
  const admitted = await request('POST', '/api/v1/namespaces/legacy/pods', { body: pod });
  expect(admitted.status).toBe(201);
  // kube-system is exempted by the library; an unprivileged pod in the enforced namespace passes baseline
  const plain = await request('POST', '/api/v1/namespaces/enforced/pods', { body: { ...pod, metadata: { name: 'plain' }, spec: { ...pod.spec, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } } });
  expect(plain.status).toBe(201);
});
