import { conformanceFailures } from '../conformance/check';
import { synthAddon } from './fixtures';

// PromQL label matchers contain double quotes, which jest's default printer leaves unescaped; print the
// objects as real JSON so the snapshot stays machine-readable (test/conformance validates snapshots).
const K8S_LIST = Symbol.for('addons-k8s-list');
expect.addSnapshotSerializer({
  test: (v) => Array.isArray(v) && (v as any)[K8S_LIST] === true,
  serialize: (v) => JSON.stringify(v, null, 2),
});
const asSnapshot = (objects: any[]) => Object.assign([...objects], { [K8S_LIST]: true });

const PARAMS = {
  jupyterhub: {
    cpu: '2', memory: '4Gi',
    authentication: { type: 'oidc', issuer: 'https://id.example.com/realms/lab', clientId: 'hub', clientSecret: { name: 'hub-oidc', key: 'client-secret' }, allowedGroups: ['data-science'] },
    https: { hosts: ['hub.example.com'], tlsSecret: 'hub-tls' },
  },
  kuberay: { head: { cpu: '1', memory: '4Gi' } },
} as const;

describe.each(['jupyterhub', 'kuberay'] as const)('%s', (addon) => {
  test.each(['management', 'tenant'] as const)('%s mode matches the snapshot and the upstream CRDs', (mode) => {
    const { objects } = synthAddon({ addon, mode, parameters: PARAMS[addon] });
    expect(conformanceFailures(objects, `${addon}/${mode}`)).toEqual([]);
    expect(asSnapshot(objects)).toMatchSnapshot();
  });

  test('management mode on a v1beta1 management cluster emits a v1beta1 ClusterResourceSet', () => {
    const { objects } = synthAddon({ addon, parameters: PARAMS[addon] }, { apiVersion: 'v1beta1' });
    expect(objects.find((o) => o.kind === 'ClusterResourceSet').apiVersion).toBe('addons.cluster.x-k8s.io/v1beta1');
    expect(conformanceFailures(objects, `${addon}/v1beta1`)).toEqual([]);
  });
});
