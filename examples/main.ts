/**
 * cdk8s app behind `npm run synth` (cdk8s.yaml). Every other file in examples/ exports a default
 * function that adds its charts to the app; each chart is written to dist/<chart>.k8s.yaml.
 */
import { App } from 'cdk8s';
import { loadExamples } from './load';

const app = new App();
for (const example of loadExamples()) example.build(app);
app.synth();
