/**
 * The public surface is deliberate: each entry point exports exactly the names in the committed report
 * (api/capi-constructs.api.md), every type a public declaration uses is exported too, and every exported
 * name is documented in README.md or docs/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apiReport, REFERENCE_FILE, REPORT_FILE } from '../support/api-report';
import { REPO } from '../support/markdown';

const report = apiReport();

describe('public API', () => {
  test('matches the committed report (run `npm run api:report` and review the diff)', () => {
    expect(fs.existsSync(REPORT_FILE)).toBe(true);
    expect(report.text).toBe(fs.readFileSync(REPORT_FILE, 'utf8'));
  });

  test('every type a public declaration refers to is exported by some entry point', () => {
    // MachineTemplate is a value and an interface of one name; `from` is its static method.
    expect(report.forgotten.filter((f) => !/MachineTemplate refers to (from|MachineTemplateContract),/.test(f))).toEqual([]);
  });

  test('internals are not exported', () => {
    const all = new Set(Object.values(report.names).flat());
    for (const internal of ['Problems', 'checkInt', 'show', 'sortKeys', 'sha256', 'renderControlPlaneFor', 'renderWorkerGroupFor', 'newResource', 'registerManifests', 'emit', 'objectId', 'compact']) {
      expect([internal, all.has(internal)]).toEqual([internal, false]);
    }
  });

  test('every exported name has a JSDoc summary (the line docs/api.md shows for it)', () => {
    expect(Object.entries(report.summaries).filter(([, summary]) => !summary).map(([name]) => name)).toEqual([]);
  });

  test('docs/api.md is the reference generated from the current declarations', () => {
    expect(fs.readFileSync(REFERENCE_FILE, 'utf8')).toBe(report.reference);
  });

  test('every exported name is documented in README.md or docs/', () => {
    const docs = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).map((f) => `docs/${f}`)]
      .map((f) => fs.readFileSync(path.join(REPO, f), 'utf8')).join('\n');
    const undocumented = [...new Set(Object.values(report.names).flat())].filter((n) => !new RegExp(`\\b${n}\\b`).test(docs)).sort();
    expect(undocumented).toEqual([]);
  });
});
