/**
 * The compact form of a rendered cluster (lib/core/fleet/cluster-output.ts): what it gives back is
 * exactly the file renderFleet writes and the objects renderClusters renders.
 */
import { clusterOutput, forEachClusterOutput, outputManifests, outputYaml } from '../../lib/core/fleet/cluster-output';
import { renderClusters, renderFleet } from '../../lib/core/fleet/render';
import { objectKey } from '../../lib/core/output/object-identity';
import { ValidationError } from '../../lib/core/rules/errors';
import { featureFleet } from './fixtures';

describe('ClusterOutput', () => {
  const specs = featureFleet();

  test('gives back the YAML renderFleet writes and the objects renderClusters renders, with their identities and parts', () => {
    const files = renderFleet(specs).files;
    const rendered = renderClusters(specs);
    const outs: ReturnType<typeof clusterOutput>[] = [];
    forEachClusterOutput(specs, '.k8s.yaml', (o) => outs.push(o));
    expect(outs.map((o) => o.index)).toEqual(specs.map((_, i) => i));
    outs.forEach((o, i) => {
      const manifests = rendered[i].parts.flatMap((p) => p.manifests);
      expect(outputYaml(o)).toBe(files.get(o.file));
      expect(outputManifests(o)).toEqual(JSON.parse(JSON.stringify(manifests)));
      expect(o.identities.map(objectKey)).toEqual(manifests.map(objectKey));
      expect(o.parts.map((p) => [p.id, p.objectCount])).toEqual(rendered[i].parts.map((p) => [p.id, p.manifests.length]));
      expect(o.objectCount).toBe(manifests.length);
      expect(o.ref).toEqual(rendered[i].ref);
      // compact: a sixth or less of the text
      expect(o.yaml.byteLength * 3).toBeLessThan(files.get(o.file)!.length);
    });
  });

  test('leaves the JSON out when the round trip is not exact', () => {
    const [rc] = renderClusters(specs.slice(0, 1));
    const first = rc.parts[0].manifests[0] as unknown as Record<string, unknown>;
    const odd = { ...rc, parts: [{ ...rc.parts[0], manifests: [{ ...first, spec: { zero: -0 } } as never, ...rc.parts[0].manifests.slice(1)] }, ...rc.parts.slice(1)] };
    const o = clusterOutput(odd, 0, '.k8s.yaml');
    expect(o.json).toBeUndefined();
    expect(outputManifests(o)).toBeUndefined();
  });

  test('throws every problem of the fleet together, and hands on nothing after the first', () => {
    const bad = [specs[0], { ...specs[1], controlPlane: { ...specs[1].controlPlane, replicas: 2 } }, { ...specs[2], controlPlane: 'x' as never }];
    const seen: number[] = [];
    let err: unknown;
    try {
      forEachClusterOutput(bad, '.k8s.yaml', (o) => seen.push(o.index));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => i.path.split('.')[0])).toEqual(expect.arrayContaining(['clusters[1]', 'clusters[2]']));
    expect(seen).toEqual([0]);
  });
});
