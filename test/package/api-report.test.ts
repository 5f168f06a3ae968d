/**
 * The public surface is deliberate: each entry point exports exactly the names in the committed report
 * (api/capi-constructs.api.md), every type a public declaration uses is exported too, and every exported
 * name is documented in README.md or docs/.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
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

  /**
   * The framework-free entry points' declarations compile with nothing else installed: no runtime peer
   * (@kubernetes/client-node, fastify, prom-client, and through them ws or pino), no @types/node, only
   * TypeScript's own lib, with skipLibCheck off. The compiler sees the published `.d.ts` files and
   * TypeScript's lib files, and no directory of this machine, so a reference to another package cannot
   * be found anywhere. (The install matrix compiles them in the projects users make.)
   */
  test.each(['core', 'ops', 'service'])('capi-constructs/%s declarations compile with no other package installed, not even @types/node', (entry) => {
    const root = '/published/node_modules/capi-constructs/build/';
    const published = new Map([...report.declarations].map(([rel, text]) => [root + rel, text]));
    const libDir = path.dirname(ts.getDefaultLibFilePath({}));
    const options: ts.CompilerOptions = {
      strict: true, skipLibCheck: false, noEmit: true, types: [], lib: ['lib.es2022.d.ts'],
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    };
    const host = ts.createCompilerHost(options);
    const visible = (f: string) => published.has(f) || (f.startsWith(libDir) && ts.sys.fileExists(f));
    host.fileExists = visible;
    host.readFile = (f) => published.get(f) ?? (visible(f) ? ts.sys.readFile(f) : undefined);
    host.directoryExists = (d) => {
      const dir = d.endsWith('/') ? d : `${d}/`;
      return root.startsWith(dir) || [...published.keys()].some((f) => f.startsWith(dir)) || dir.startsWith(`${libDir}/`);
    };
    host.getDirectories = () => [];
    host.getCurrentDirectory = () => '/published';
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (f, language) => {
      const text = published.get(f);
      return text === undefined ? (visible(f) ? getSourceFile(f, language) : undefined) : ts.createSourceFile(f, text, language, true);
    };
    const program = ts.createProgram([`${root}${entry}/index.d.ts`], options, host);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${path.relative(root, d.file.fileName)}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(errors).toEqual([]);
    expect(program.getSourceFiles().filter((f) => f.fileName.startsWith(root)).length).toBeGreaterThan(2);
  });
});
