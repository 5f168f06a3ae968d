import { renderClusters } from '../lib/core/fleet/render';
import { stringifyManifests } from '../lib/core/output/yaml';
import { fleetSpecs } from './fleet-gen';
process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';
const specs = fleetSpecs(4000);
// warm-up
for (const rc of renderClusters(specs.slice(0, 1000))) stringifyManifests(rc.parts.flatMap((p) => p.manifests));
const t0 = performance.now();
let t = 0, y = 0;
for (let i = 1000; i < 4000; i += 100) {
  const a = performance.now();
  const rcs = renderClusters(specs.slice(i, i + 100));
  const b = performance.now();
  for (const rc of rcs) stringifyManifests(rc.parts.flatMap((p) => p.manifests));
  y += performance.now() - b; t += b - a;
}
console.log('render ms/cluster', (t / 3000).toFixed(3), 'yaml ms/cluster', (y / 3000).toFixed(3), 'total', ((performance.now() - t0) / 3000).toFixed(3));
