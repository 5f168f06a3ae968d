/**
 * Issue 15, defect 7: no credential in any manifest. Every case below was emitted inline before the
 * credential check (lib/core/rules/credentials.ts); now each is a ValidationError naming the path and
 * saying where the value belongs (a Secret, referenced by name).
 */
import { Cluster, ClusterSpec, CustomMachineTemplate, existingInfrastructureCluster, OpenStackMachineTemplate, VSphereCluster, VSphereMachineTemplate } from '../../lib';
import { credentialKeyProblem, credentialTextProblem, foldKey } from '../../lib/core/rules/credentials';
import { renderClusterSpec } from '../../lib/core/fleet/render';
import { validationError } from '../support/validation-error';
import { Chart, Testing } from 'cdk8s';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: c\nusers:\n- name: admin\n  user:\n    token: abc\n';
const CLOUDS_YAML = 'clouds:\n  openstack:\n    auth:\n      auth_url: https://keystone:5000/v3\n      username: admin\n      password: hunter2\n';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----\n';

const vsphere = (additionalFields: Record<string, unknown>) => () => new VSphereMachineTemplate({ template: 't', networkName: 'n', additionalFields });

describe('secret-like keys in free-form fields, at every depth', () => {
  it.each([
    ['nested vmx.password', { vmx: { password: 'x' } }, 'additionalFields.vmx.password'],
    ['adminPassword', { adminPassword: 'x' }, 'additionalFields.adminPassword'],
    ['apiKey', { apiKey: 'x' }, 'additionalFields.apiKey'],
    ['sshPrivateKey', { sshPrivateKey: 'x' }, 'additionalFields.sshPrivateKey'],
    ['clientSecret in a list', { auth: [{ clientSecret: 'x' }] }, 'additionalFields.auth[0].clientSecret'],
    ['kubeconfig', { nested: { kubeconfig: 'x' } }, 'additionalFields.nested.kubeconfig'],
    ['credentials', { cloud: { credentials: {} } }, 'additionalFields.cloud.credentials'],
    ['upper case API_TOKEN', { API_TOKEN: 'x' }, 'additionalFields.API_TOKEN'],
    ['Cyrillic look-alikes (раssword)', { 'раssword': 'x' }, 'additionalFields.раssword'],
    ['full-width letters (ｐａｓｓｗｏｒｄ)', { 'ｐａｓｓｗｏｒｄ': 'x' }, 'additionalFields.ｐａｓｓｗｏｒｄ'],
    ['digit spelling (passw0rd)', { passw0rd: 'x' }, 'additionalFields.passw0rd'],
  ])('%s', (_n, fields, at) => {
    const issue = validationError(vsphere(fields)).issues.find((i) => i.path === at);
    expect(issue?.message).toMatch(/looks like a credential.*Secret/);
  });

  it('CustomMachineTemplate.spec.password and infrastructure.spec.token', () => {
    expect(validationError(() => new CustomMachineTemplate({ kind: 'K', version: 'v1', spec: { password: 'x' } })).issues[0].path).toBe('spec.password');
    const e = validationError(() => renderClusterSpec({
      cluster: { name: 'c', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', kind: 'DockerCluster', spec: { a: { token: 't' } } } },
      controlPlane: { machineTemplate: new CustomMachineTemplate({ kind: 'K', version: 'v1', spec: {} }) },
    } as ClusterSpec));
    expect(e.issues.map((i) => i.path)).toContain('cluster.infrastructure.spec.a.token');
  });

  it('keys that name where a secret lives are fine', () => {
    for (const k of ['passwordSecretRef', 'tokenSecretName', 'credentialsRef', 'secretRef', 'kubeconfigSecretName']) expect(credentialKeyProblem(k)).toBeUndefined();
    expect(() => vsphere({ passwordSecretRef: { name: 'vc' } })()).not.toThrow();
  });

  it('foldKey folds case, separators, NFKC and confusables', () => {
    expect(foldKey('Client_Secret')).toBe('clientsecret');
    expect(foldKey('ｐａｓｓ')).toBe('pass');
    expect(foldKey('тоkеn')).toBe('token');
  });
});

describe('credential-shaped text in any string prop or free-form value', () => {
  it('a vCenter server URL with user info', () => {
    const e = validationError(() => new VSphereCluster({ server: 'https://user:pw@vc.example.com', controlPlaneEndpoint: { host: '10.0.0.10' } }));
    expect(e.issues).toEqual([{ path: 'server', message: expect.stringMatching(/URL with user info.*Secret/) }]);
    expect(validationError(() => new VSphereMachineTemplate({ template: 't', networkName: 'n', server: 'https://admin@vc' })).issues[0].path).toBe('server');
  });

  it('clouds.yaml text passed as cloudName', () => {
    const e = validationError(() => new OpenStackMachineTemplate({ flavor: 'm1', image: 'u', cloudName: CLOUDS_YAML, secretName: 's' }));
    expect(e.issues.find((i) => i.path === 'cloudName')?.message).toMatch(/clouds\.yaml/);
  });

  it('PEM blocks and kubeconfig text in free-form values and annotations', () => {
    expect(validationError(vsphere({ key: { data: PEM } })).issues.map((i) => i.path)).toContain('additionalFields.key.data');
    expect(validationError(vsphere({ bootstrap: KUBECONFIG })).issues.map((i) => i.path)).toContain('additionalFields.bootstrap');
    expect(validationError(() => new CustomMachineTemplate({ kind: 'K', version: 'v1', spec: {}, templateMetadata: { annotations: { a: KUBECONFIG } } })).issues[0].path)
      .toBe('templateMetadata.annotations.a');
  });

  it('ordinary text is not a credential', () => {
    for (const s of ['https://vc.example.com/sdk', 'git@github.com:org/repo', 'user@example.com', 'a: b\nc: d', 'clouds: 3', 'kind: ConfigMap']) {
      expect(credentialTextProblem(s)).toBeUndefined();
    }
    expect(() => new Cluster(new Chart(Testing.app(), 'c'), 'c', { name: 'c', cni: 'calico', kubernetesVersion: 'v1.31.4', labels: { owner: 'team-a' }, infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) })).not.toThrow();
  });
});
