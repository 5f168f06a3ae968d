import { Chart, Testing } from 'cdk8s';
import { CustomMachineTemplate } from '../../lib';
import { validationError } from '../support/validation-error';

export { validationError };

/** A minimal provider template for node-group tests (the typed providers have their own tests). */
export function dockerTemplate(image = 'kindest/node:v1.31.4'): CustomMachineTemplate {
  return new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: image } });
}

export function newChart(): Chart {
  return new Chart(Testing.app(), 'test');
}

/** Synthesized objects of a chart, by kind. */
export function objectsOf(chart: Chart, kind?: string): any[] {
  const all = Testing.synth(chart);
  return kind ? all.filter((o) => o.kind === kind) : all;
}

