/**
 * cdk8s app behind `npm run synth` (cdk8s.yaml). Every other file in examples/ exports a default
 * function that adds its charts to the app; each chart is written to dist/<chart>.k8s.yaml.
 *
 * A `FleetApp`: the same files as cdk8s's `App`, byte for byte, in time linear in the number of charts
 * (docs/performance.md); any App works with the examples.
 */
import { FleetApp } from '../lib';
import { loadExamples } from './load';

const app = new FleetApp();
for (const example of loadExamples()) example.build(app);
app.synth();
