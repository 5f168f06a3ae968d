/**
 * docs/day-2.md: its TypeScript blocks are complete programs that type-check against the library,
 * and the walk-through's program, run as the page says, gives the plan the page shows.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { formatPlan, planFleet, setWarningHandler } from '../../lib';
import { renderClusters } from '../../lib/core/fleet/render';
import { REPO, typescriptBlocks } from '../support/markdown';

const DOC = 'docs/day-2.md';

test('every TypeScript block of docs/day-2.md type-checks as a program importing capi-constructs', () => {
  const blocks = typescriptBlocks(DOC);
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'day2-doc-'));
  try {
    const files = blocks.map((b, i) => {
      const f = path.join(dir, `block${i}.ts`);
      fs.writeFileSync(f, b.code);
      return f;
    });
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, strict: true,
      esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node'], typeRoots: [path.join(REPO, 'node_modules/@types')],
      baseUrl: REPO, paths: { 'capi-constructs': ['lib'], 'capi-constructs/core': ['lib/core'] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

test('the walk-through output on the page (both runs) is what its program gives', () => {
  const [fleetBlock] = typescriptBlocks(DOC);
  // Run the page's program in memory: collect the two fleets it writes instead of writing dist/.
  const written: unknown[][] = [];
  const run = (argv: string[]) => {
    const js = ts.transpileModule(fleetBlock.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const lib = require('../../lib/core');
    const fake = { ...lib, writeFleet: (_dir: string, specs: never[]) => { written.push(renderClusters(specs).flatMap((c) => c.parts.flatMap((p) => p.manifests))); } };
    new Function('require', 'process', 'exports', js)((m: string) => (m === 'capi-constructs/core' ? fake : require(m)), { argv: ['node', 'fleet.ts', ...argv] }, {});
  };
  const restore = setWarningHandler(() => undefined);
  try {
    run([]);
    run(['--after']);
    run(['--after', '--fixed']);
  } finally {
    setWarningHandler(restore);
  }
  const page = fs.readFileSync(path.join(REPO, DOC), 'utf8');
  const shown = /```\n(cluster fleet\/prod: changed[\s\S]*?)\nexit 2\n```/.exec(page);
  expect(shown).not.toBeNull();
  expect(`${shown![1]}\n`).toBe(formatPlan(planFleet(written[0], written[1])));
  const fixed = formatPlan(planFleet(written[0], written[2])).trimEnd().split('\n').pop()!;
  expect(fixed).toMatch(/^Plan: 0 rejected, 4 rolls/);
  expect(page).toContain(`\n${fixed}\nexit 3\n`);
});
