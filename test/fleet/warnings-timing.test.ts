/**
 * Issue 33 item 4: warnings are reported before anything is written or added. setWarningHandler
 * refuses what is not a function; a handler that throws (the documented way to fail a pipeline on
 * warnings) fails writeFleet before the new output is published, and a construct, ClusterChart or
 * addFleet before any of its objects is added to the app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { addFleet, ClusterChart, ClusterSpec, ControlPlaneGroup, Cluster, FleetApp, setWarningHandler, writeFleet } from '../../lib';
import { validationError } from '../support/validation-error';
import { cleanTmp, featureFleet, readDir, tmpDir } from './fixtures';

afterAll(cleanTmp);

/** alpha with a one-node control plane: warns at `replicas`. */
function warningSpec(): ClusterSpec {
  const [a] = featureFleet();
  return { ...a, controlPlane: { ...a.controlPlane, replicas: 1, rollout: undefined } };
}

function withThrowingHandler(fn: () => void): string[] {
  const seen: string[] = [];
  const prev = setWarningHandler((subject, w) => {
    seen.push(`${subject}: ${w.path}`);
    throw new Error(`warnings are errors here: ${subject}: ${w.path}`);
  });
  try {
    expect(fn).toThrow(/warnings are errors here/);
  } finally {
    setWarningHandler(prev);
  }
  return seen;
}

describe('setWarningHandler validates its argument', () => {
  it.each([undefined, null, 'stderr', {}, 42])('%p is a ValidationError naming the handler, and the handler in place stays', (bad) => {
    const seen: string[] = [];
    const prev = setWarningHandler((subject) => seen.push(subject));
    try {
      const err = validationError(() => setWarningHandler(bad as any));
      expect(err.issues[0].path).toBe('handler');
      expect(err.issues[0].message).toMatch(/must be a function/);
      // the working handler still receives warnings: no TypeError later
      new ControlPlaneGroup(new Chart(Testing.app(), 'c'), 'cp', { ...warningSpec().controlPlane, cluster: new Cluster(new Chart(Testing.app(), 'd'), 'c', warningSpec().cluster) });
      expect(seen).toContain('ControlPlaneGroup "alpha-control-plane"');
    } finally {
      setWarningHandler(prev);
    }
  });
});

describe('a throwing handler fails the run before anything is written or added', () => {
  it('writeFleet: the previous output stays, no generation is left', () => {
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, [featureFleet()[1]]);
    const before = readDir(out);
    const seen = withThrowingHandler(() => writeFleet(out, [warningSpec(), featureFleet()[1]]));
    expect(seen).toEqual(['ControlPlaneGroup "alpha-control-plane": replicas']);
    expect(readDir(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });

  it('a construct: not added to the tree, its objects not registered (the same construct can be added again)', () => {
    const chart = new Chart(Testing.app(), 'c');
    const cluster = new Cluster(chart, 'cluster', warningSpec().cluster);
    withThrowingHandler(() => new ControlPlaneGroup(chart, 'cp', { ...warningSpec().controlPlane, cluster }));
    expect(chart.node.tryFindChild('cp')).toBeUndefined();
    expect(chart.node.findAll().filter((c) => c.node.path.includes('cp'))).toEqual([]);
    const cp = new ControlPlaneGroup(chart, 'cp', { ...warningSpec().controlPlane, cluster });
    expect(cp.apiObjects.length).toBeGreaterThan(0);
  });

  it('ClusterChart and addFleet: no chart is added', () => {
    const app = new App({ outdir: tmpDir() });
    withThrowingHandler(() => new ClusterChart(app, { spec: warningSpec() }));
    expect(app.node.children).toEqual([]);
    withThrowingHandler(() => addFleet(app, [featureFleet()[1], warningSpec()]));
    expect(app.node.children).toEqual([]);
    // nothing was registered either: the same fleet can be added afterwards
    expect(addFleet(app, [featureFleet()[1], warningSpec()]).map((c) => c.node.id)).toEqual(['beta', 'alpha']);
  });

  it('FleetApp + addFleet: a synth after a refused addFleet writes only what was added', () => {
    const outdir = path.join(tmpDir(), 'dist');
    const app = new FleetApp({ outdir });
    addFleet(app, [featureFleet()[1]]);
    withThrowingHandler(() => addFleet(app, [warningSpec()]));
    app.synth();
    expect(Object.keys(readDir(outdir))).toEqual(['beta.k8s.yaml']);
  });
});
