import { conformanceFailures } from '../conformance/check';
import { synthAddon } from './fixtures';

const PARAMS = {
  jupyterhub: { cpu: '2', memory: '4Gi' },
  kuberay: { head: { cpu: '1', memory: '4Gi' } },
} as const;

describe.each(['jupyterhub', 'kuberay'] as const)('%s', (addon) => {
  test.each(['management', 'tenant'] as const)('%s mode matches the snapshot and the upstream CRDs', (mode) => {
    const { objects } = synthAddon({ addon, mode, parameters: PARAMS[addon] });
    expect(conformanceFailures(objects, `${addon}/${mode}`)).toEqual([]);
    expect(objects).toMatchSnapshot();
  });

  test('management mode on a v1beta1 management cluster emits a v1beta1 ClusterResourceSet', () => {
    const { objects } = synthAddon({ addon, parameters: PARAMS[addon] }, { apiVersion: 'v1beta1' });
    expect(objects.find((o) => o.kind === 'ClusterResourceSet').apiVersion).toBe('addons.cluster.x-k8s.io/v1beta1');
    expect(conformanceFailures(objects, `${addon}/v1beta1`)).toEqual([]);
  });
});
