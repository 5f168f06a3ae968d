/**
 * FleetApp's shortcut for apps without dependencies (no dependency graphs: construct order) writes
 * exactly what App.synth() writes: the same files, each with its objects in the same order (construct
 * order, objects under plain constructs included), with integer-like chart ids (which cdk8s's graph,
 * keyed by path, puts first).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FleetApp, FleetChart } from '../../lib';
import { cleanTmp, readDir, tmpDir } from './fixtures';

afterEach(cleanTmp);

function synth(Ctor: typeof App, build: (app: App) => void): Record<string, string> {
  const outdir = path.join(tmpDir(), 'dist');
  const app = new Ctor({ outdir });
  build(app);
  app.synth();
  return readDir(outdir);
}

describe('FleetApp without dependencies', () => {
  test('same files as App: integer-like chart ids, objects under groups', () => {
    const build = (app: App) => {
      for (const id of ['b', '10', 'Same', '9', 'a', 'same', '0', '007']) {
        const chart = id === 'a' ? new FleetChart(app, id) : new Chart(app, id);
        const group = new Construct(chart, 'group');
        new ApiObject(group, 'z', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-z` } });
        new ApiObject(chart, '1', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-1` } });
        new ApiObject(new Construct(group, '2'), 'y', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-y` } });
      }
    };
    const plain = synth(App, build);
    expect(Object.keys(plain)).toHaveLength(8);
    // construct order, where integer-like ids come first among siblings (constructs keeps children in an object)
    expect(plain['b.k8s.yaml'].match(/name: \S+/g)).toEqual(['name: b-1', 'name: b-y', 'name: b-z']);
    expect(synth(FleetApp, build)).toEqual(plain);
  });
});

describe('FleetApp: no partial output (issue 15, defect 3)', () => {
  test('a chart that throws while rendering leaves no file behind, not even the charts before it', () => {
    const outdir = path.join(tmpDir(), 'dist');
    const app = new FleetApp({ outdir });
    new ApiObject(new Chart(app, 'first'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first' } });
    const broken = new Chart(app, 'second');
    broken.toJson = () => { throw new Error('broken chart'); };
    expect(() => app.synth()).toThrow(/broken chart/);
    // nothing published, and no generation left next to the output path
    expect(fs.readdirSync(path.dirname(outdir))).toEqual([]);
  });
});

test('FleetApp removes the temporary files a killed synth left behind', () => {
  const outdir = path.join(tmpDir(), 'dist');
  require('fs').mkdirSync(outdir, { recursive: true });
  require('fs').writeFileSync(path.join(outdir, '.capi-constructs-tmp-1-c.partial'), 'half');
  const app = new FleetApp({ outdir });
  new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  app.synth();
  expect(require('fs').readdirSync(outdir)).toEqual(['c.k8s.yaml']);
});
