/**
 * Issue 33, item 1: credentials reached the YAML where the docs say they are refused (string lists,
 * kubeadm file contents, commands and extraArgs, kubeconfig or clouds.yaml as JSON or flow YAML) and
 * beyond (cloud.conf and vsphere.conf INI, a JWT, an AWS key, docker auth, base64 of PEM, kubeconfig
 * and clouds.yaml, keys named passphrase or pwd, label and annotation keys naming a secret).
 *
 * Every probe is put in every place that can carry it, and the fleet render must refuse each with a
 * ValidationError that points to a Secret. "Inlined" counts the (place, probe) pairs that rendered:
 * docs/conformance.md reports it (0). Before the maintained ruleset and the scan of emitted objects,
 * 409 of the 434 pairs below rendered.
 */
import { gzipSync } from 'zlib';
import { ClusterSpec, CustomMachineTemplate, OpenStackMachineTemplate, VSphereMachineTemplate } from '../../lib';
import { renderClusterSpec } from '../../lib/core/fleet/render';
import { credentialKeyProblem, credentialTextProblem } from '../../lib/core/rules/credentials';
import { secretlintRuleIds } from '../../lib/core/rules/secretlint';
import { b64, PROBES } from '../support/credential-probes';
import { TEST_INFRA } from '../support/infrastructure';


const tmpl = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });

/** A valid cluster spec with the worker group `w` changed by `edit`. */
function spec(worker: Record<string, unknown>, cluster: Record<string, unknown> = {}, components?: ClusterSpec['components']): ClusterSpec {
  return {
    cluster: { name: 'c', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, ...cluster },
    controlPlane: { machineTemplate: tmpl },
    workers: [{ name: 'w', machineTemplate: tmpl, ...worker }],
    components,
  } as ClusterSpec;
}

const openstack = (p: Record<string, unknown>) => new OpenStackMachineTemplate({ flavor: 'm1.large', image: 'ubuntu', ...p } as never);
const vsphere = (p: Record<string, unknown>) => new VSphereMachineTemplate({ template: 'ubuntu', networkName: 'vm-net', ...p } as never);

/** Where a string reaches a manifest: each builds a spec with `s` in that place. Template constructors may throw already. */
const PLACES: Readonly<Record<string, (s: string) => ClusterSpec>> = {
  'OpenStack securityGroups': (s) => spec({ machineTemplate: openstack({ securityGroups: [s] }) }),
  'OpenStack tags': (s) => spec({ machineTemplate: openstack({ tags: [s] }) }),
  'OpenStack image.tags': (s) => spec({ machineTemplate: openstack({ image: { tags: [s] } }) }),
  'vSphere tagIDs': (s) => spec({ machineTemplate: vsphere({ tagIDs: [s] }) }),
  'vSphere searchDomains': (s) => spec({ machineTemplate: vsphere({ networkName: undefined, networks: [{ networkName: 'vm-net', searchDomains: [s] }] }) }),
  'kubeadm file content': (s) => spec({ kubeadm: { files: [{ path: '/etc/app/config', content: s }] } }),
  'kubeadm file content, encoding base64': (s) => spec({ kubeadm: { files: [{ path: '/etc/app/config', content: b64(s), encoding: 'base64' }] } }),
  'kubeadm file content, encoding gzip+base64': (s) => spec({ kubeadm: { files: [{ path: '/etc/app/config', content: gzipSync(s).toString('base64'), encoding: 'gzip+base64' }] } }),
  preKubeadmCommands: (s) => spec({ kubeadm: { preKubeadmCommands: [`echo '${s}' > /etc/app/config`] } }),
  postKubeadmCommands: (s) => spec({ kubeadm: { postKubeadmCommands: [s] } }),
  'kubeletExtraArgs value': (s) => spec({ kubeadm: { kubeletExtraArgs: { 'node-labels': s } } }),
  'machineTemplate additionalFields': (s) => spec({ machineTemplate: vsphere({ additionalFields: { customVMXKeys: { note: s } } }) }),
  'template annotation value': (s) => spec({ machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: {}, templateMetadata: { annotations: { 'example.com/note': s } } }) }),
  "a component's HelmRelease values": (s) => spec({}, {}, [{
    id: 'app', subject: 'app',
    render: (c) => ({ manifests: [{ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: `${c.name}-app`, namespace: c.namespace }, spec: { values: { config: s } } }], warnings: [] }),
  }]),
};

/** The render of `build(s)`: 'inlined' when it rendered, 'refused' when a ValidationError points to a Secret, else what went wrong. */
function outcome(build: (s: string) => ClusterSpec, s: string): string {
  try {
    renderClusterSpec(build(s));
    return 'inlined';
  } catch (e) {
    const err = e as { name?: string; issues?: { message: string }[]; message?: string };
    if (err.name !== 'ValidationError') return `${err.name}: ${err.message}`;
    return err.issues?.some((i) => /in a Secret/.test(i.message)) ? 'refused' : `refused for another reason: ${err.message}`;
  }
}

describe('credential probes in every place that reaches a manifest', () => {
  const places = Object.entries(PLACES);
  const probes = Object.entries(PROBES);

  it('the places render without a probe (the probes, not the places, are refused)', () => {
    for (const [place, build] of places) expect([place, outcome(build, 'ordinary-value')]).toEqual([place, 'inlined']);
  });

  it.each(places)('%s: every probe is refused, pointing to a Secret', (_place, build) => {
    const results = probes.map(([name, s]) => [name, outcome(build, s)]);
    // a string list item or a label value cannot carry multi-line text; it is refused by its own rule first
    expect(results.filter(([, r]) => r === 'inlined' || !r.startsWith('refused'))).toEqual([]);
  });

  it(`inlined: 0 of ${places.length * probes.length} (place, probe) pairs`, () => {
    let inlined = 0;
    for (const [, build] of places) for (const [, s] of probes) if (outcome(build, s) === 'inlined') inlined++;
    expect(inlined).toBe(0);
  });
});

describe('keys that name a secret', () => {
  it.each([
    ['additionalFields key passphrase', () => spec({ machineTemplate: vsphere({ additionalFields: { passphrase: 'x' } }) })],
    ['additionalFields key pwd', () => spec({ machineTemplate: vsphere({ additionalFields: { db: { pwd: 'x' } } }) })],
    ['cluster label key password', () => spec({}, { labels: { password: 'x' } })],
    ['cluster label key with prefix (example.com/token)', () => spec({}, { labels: { 'example.com/token': 'x' } })],
    ['template annotation key token', () => spec({ machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: {}, templateMetadata: { annotations: { token: 'x' } } }) })],
    ['kubeletExtraArgs key', () => spec({ kubeadm: { kubeletExtraArgs: { 'registry-password': 'x' } } })],
    ['apiServer extraArgs key (oidc-client-secret)', () => ({ ...spec({}), controlPlane: { machineTemplate: tmpl, kubeadm: { apiServer: { extraArgs: { 'oidc-client-secret': 'x' } } } } } as ClusterSpec)],
    ['a component\'s annotation key', () => spec({}, {}, [{ id: 'x', subject: 'x', render: (c) => ({ manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: c.namespace, annotations: { 'example.com/api-token': 'x' } } }], warnings: [] }) }])],
  ])('%s', (_n, build) => {
    expect(outcome(build, '')).toBe('refused');
  });

  it('keys that name where a secret lives, or a secret word inside a longer word, are fine', () => {
    for (const k of ['passwordSecretRef', 'tokenSecretName', 'example.com/secret-ref', 'cwd', 'secret.reloader.stakater.com/reload']) {
      expect([k, credentialKeyProblem(k.slice(k.lastIndexOf('/') + 1))]).toEqual([k, undefined]);
    }
  });
});

describe('the scan', () => {
  it('runs the rules of secretlint\'s recommended preset, and names the rule without quoting the secret', () => {
    expect(secretlintRuleIds()).toEqual(expect.arrayContaining(['@secretlint/secretlint-rule-aws', '@secretlint/secretlint-rule-github', '@secretlint/secretlint-rule-slack', '@secretlint/secretlint-rule-privatekey']));
    const problem = credentialTextProblem(PROBES['GitHub token'])!;
    expect(problem).toMatch(/found by @secretlint\/secretlint-rule-github.*in a Secret/);
    expect(problem).not.toContain(PROBES['GitHub token'].slice(4));
    for (const [, s] of Object.entries(PROBES)) expect(credentialTextProblem(s)).not.toContain('hunter2');
  });

  it('ordinary text the library and its users emit is not a credential', () => {
    for (const s of [
      'https://vc.example.com/sdk', 'git@github.com:org/repo', 'user@example.com', 'a: b\nc: d', 'clouds: 3', 'kind: ConfigMap',
      '--kubeconfig=/etc/kubernetes/admin.conf', 'token-ttl: 24h', '--token-auth-file=/etc/kubernetes/tokens.csv', 'password: ${PASSWORD}',
      'sg-0123456789abcdef0', 'ubuntu-2204-kube-v1.31.4', 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      b64('an ordinary configuration file with no secret in it'), 'kubeadm token create --ttl 1h --print-join-command',
    ]) expect([s, credentialTextProblem(s)]).toEqual([s, undefined]);
  });

  it('gzip data that decompresses beyond 1 MiB is refused, not decompressed without bound', () => {
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x61)).toString('base64');
    expect(bomb.length).toBeLessThan(10240);
    expect(outcome(() => spec({ kubeadm: { files: [{ path: '/etc/app/data', content: bomb, encoding: 'gzip+base64' }] } }), '')).toBe('refused');
  });
});
