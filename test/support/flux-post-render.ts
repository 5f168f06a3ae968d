/**
 * A HelmRelease's objects as Flux applies them: `helm template` of the chart in ../shared/charts with
 * the release's values, then its kustomize post-renderers applied by kubectl's built-in kustomize.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { helmTemplate, kubectlBinary, RenderedObject, sharedChart } from './helm';

export function renderAsFluxApplies(hr: any, chart: string, kubeVersion = '1.31.4'): RenderedObject[] {
  const objs = helmTemplate(sharedChart(chart), hr.spec.values ?? {}, { namespace: hr.spec.targetNamespace, releaseName: hr.spec.releaseName, kubeVersion });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-flux-post-render-'));
  try {
    fs.writeFileSync(path.join(dir, 'rendered.yaml'), objs.map((o) => stringify(o)).join('---\n'));
    const patches = (hr.spec.postRenderers ?? []).flatMap((r: any) => r.kustomize?.patches ?? []);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['rendered.yaml'], patches }));
    const out = execFileSync(kubectlBinary(), ['kustomize', dir], { encoding: 'utf8' });
    return parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
