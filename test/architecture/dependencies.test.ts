/**
 * The dependency rule of lib/ (.dependency-cruiser.js, docs/architecture.md), run by dependency-cruiser
 * on every `npm test`: no import cycles, lib/core imports no outer layer, the adapters import only the
 * core, lib/ops not lib/service, nothing in lib/ imports test/ or bench/, and the core's foundation
 * (rules/, output/) imports no concept folder. A violation fails here and the message names the import.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');

describe('architecture', () => {
  test('lib/ follows the dependency rule (dependency-cruiser, .dependency-cruiser.js)', () => {
    const cli = path.join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const run = spawnSync(process.execPath, [cli, 'lib', '--config', '.dependency-cruiser.js', '--output-type', 'err'], {
      cwd: REPO, encoding: 'utf8', timeout: 120_000,
    });
    const report = `${run.stdout}${run.stderr}`.trim();
    if (run.status !== 0) throw new Error(`dependency-cruiser found violations of the dependency rule (docs/architecture.md):\n${report}`);
    expect(report).toMatch(/no dependency violations found/);
  }, 150_000);

  test('docs/architecture.md shows the dependency graph that `npm run deps:graph` prints', () => {
    const cli = path.join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const run = spawnSync(process.execPath, [cli, 'lib', '--config', '.dependency-cruiser.js', '--include-only', '^lib/',
      '--collapse', '^lib/core/[^/]+/|^lib/[^/]+/', '--output-type', 'text'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    const edges = (text: string) => [...new Set(text.split('\n').map((l) => l.trim()).filter((l) => /^lib\/\S* → lib\//.test(l)))].sort();
    const doc = fs.readFileSync(path.join(REPO, 'docs/architecture.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## The dependency graph'));
    const block = /```text\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    expect(edges(block![1])).toEqual(edges(run.stdout));
  }, 150_000);

  test('lib/core holds only index.ts at its root; everything else is in a concept folder', () => {
    const root = fs.readdirSync(path.join(REPO, 'lib/core'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(root).toEqual(['index.ts']);
  });
});
