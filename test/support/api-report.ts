/**
 * The public API report (the technique of `@microsoft/api-extractor`): for each package entry point, every
 * exported name with its declaration as the published `.d.ts` states it (comments removed, sorted by
 * name). The report is committed as api/capi-constructs.api.md; test/package/api-report.test.ts fails when
 * the API changes and the report was not regenerated and reviewed (`npm run api:report`).
 *
 * It also finds "forgotten exports": a type that a public declaration refers to but that the entry point
 * does not export, so a user can use a value but cannot name its type.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const REPO = path.resolve(__dirname, '../..');

/** Package specifier -> source entry point. */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  'capi-constructs': 'lib/index.ts',
  'capi-constructs/pulumi': 'lib/pulumi/index.ts',
  'capi-constructs/core': 'lib/core/index.ts',
  'capi-constructs/ops': 'lib/ops/index.ts',
  'capi-constructs/service': 'lib/service/index.ts',
};

const CORE = 'capi-constructs/core';

export const REPORT_FILE = path.join(REPO, 'api', 'capi-constructs.api.md');
export const REFERENCE_FILE = path.join(REPO, 'docs', 'api.md');

export interface ApiReport {
  readonly text: string;
  /** Exported names per entry point. */
  readonly names: Readonly<Record<string, readonly string[]>>;
  /** `<entry>: <export> refers to <type>, which no entry point exports`. */
  readonly forgotten: readonly string[];
  /** The first sentence of each exported name's JSDoc (empty when it has none). */
  readonly summaries: Readonly<Record<string, string>>;
  /** The API reference (docs/api.md): every exported name with its summary, by entry point. */
  readonly reference: string;
  /** The text of every published `.d.ts`, by its path under build/ (e.g. `ops/index.d.ts`). */
  readonly declarations: ReadonlyMap<string, string>;
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The `.d.ts` text of every lib file, as `tsc -p tsconfig.build.json` would emit it (in memory). */
function declarationFiles(texts = new Map<string, string>()): Map<string, ts.SourceFile> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.build.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const program = ts.createProgram(config.fileNames, { ...config.options, declaration: true, emitDeclarationOnly: true, noEmit: false, sourceMap: false, declarationMap: false });
  const out = new Map<string, ts.SourceFile>();
  program.emit(undefined, (fileName, text) => {
    if (!fileName.endsWith('.d.ts')) return;
    texts.set(path.relative(path.join(REPO, 'build'), fileName), text);
    const rel = path.relative(path.join(REPO, 'build'), fileName).replace(/\.d\.ts$/, '.ts');
    out.set(path.join(REPO, 'lib', rel), ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true));
  }, undefined, true);
  return out;
}

function declarationName(s: ts.Statement): string[] {
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.map((d) => d.name.getText());
  const named = s as unknown as { name?: ts.Identifier };
  return named.name ? [named.name.text] : [];
}

/** Identifiers used as type names inside a node (the candidates for forgotten exports). */
function typeNames(node: ts.Node, acc = new Set<string>()): Set<string> {
  if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
    const n = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
    acc.add((ts.isIdentifier(n) ? n : ts.isQualifiedName(n) ? n.right : n).getText());
  }
  if (ts.isTypeQueryNode(node)) acc.add(node.exprName.getText());
  if (ts.isImportTypeNode(node) && node.qualifier) acc.add(node.qualifier.getText().split('.').pop()!);
  node.forEachChild((c) => { typeNames(c, acc); });
  return acc;
}

/** Names declared or imported from a relative module in a `.d.ts` (i.e. the library's own types). */
function ownNames(sf: ts.SourceFile): Set<string> {
  const own = new Set<string>();
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && (s.moduleSpecifier as ts.StringLiteral).text.startsWith('.')) {
      const b = s.importClause?.namedBindings;
      if (b && ts.isNamedImports(b)) for (const e of b.elements) own.add(e.name.text);
    } else {
      for (const n of declarationName(s)) own.add(n);
    }
  }
  return own;
}

export function apiReport(): ApiReport {
  // The core first: the adapters' sections refer to it.
  const entries = Object.entries(ENTRY_POINTS).sort(([a], [b]) => (a === CORE ? -1 : b === CORE ? 1 : a < b ? -1 : 1));
  const program = ts.createProgram(entries.map(([, f]) => path.join(REPO, f)), {
    module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, esModuleInterop: true, skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const declarations = new Map<string, string>();
  const dts = declarationFiles(declarations);
  const names: Record<string, string[]> = {};
  const forgotten: string[] = [];
  // A type another entry point exports can be named by importing it from there (e.g. CapiVersion from /core).
  const candidates: { spec: string; name: string; type: string }[] = [];
  const sections: string[] = [];
  const summaries: Record<string, string> = {};
  const refSections: string[] = [];
  for (const [spec, file] of entries) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(path.join(REPO, file))!)!;
    const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    names[spec] = exports.map((e) => e.name);
    const exported = new Set(names[spec]);
    const lines: string[] = [];
    for (const e of exports) {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      const doc = ts.displayPartsToString(target.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim();
      summaries[e.name] = summaries[e.name] || (/^(.*?[.!?])(\s|$)/.exec(doc)?.[1] ?? doc);
      const texts: string[] = [];
      for (const decl of target.declarations ?? []) {
        const src = decl.getSourceFile().fileName;
        const sf = dts.get(path.resolve(src));
        if (!sf) { texts.push(`(declared outside lib: ${path.relative(REPO, src)})`); continue; }
        const own = ownNames(sf);
        for (const s of sf.statements.filter((st) => declarationName(st).includes(target.name))) {
          texts.push(printer.printNode(ts.EmitHint.Unspecified, s, sf).replace(/^export declare |^export /, ''));
          for (const t of typeNames(s)) {
            if (t !== target.name && own.has(t) && !exported.has(t)) candidates.push({ spec, name: e.name, type: t });
          }
        }
      }
      lines.push(`### ${e.name}\n\n\`\`\`ts\n${[...new Set(texts)].join('\n')}\n\`\`\``);
    }
    sections.push(`## ${spec}\n\n${exports.length} exports.\n\n${lines.join('\n\n')}`);
    if (sections.length > 0 && spec !== CORE) {
      // The adapters re-export the core whole: state that once instead of repeating its declarations.
      const core = new Set(names[CORE] ?? []);
      if (core.size > 0 && [...core].every((n) => exported.has(n))) {
        const own = exports.filter((x) => !core.has(x.name)).map((x) => lines[exports.indexOf(x)]);
        sections[sections.length - 1] = `## ${spec}\n\n${exports.length} exports: everything of \`${CORE}\`, and:\n\n${own.join('\n\n')}`;
      }
    }
  }
  const everywhere = new Set(Object.values(names).flat());
  for (const c of candidates) {
    if (!everywhere.has(c.type)) forgotten.push(`${c.spec}: ${c.name} refers to ${c.type}, which no entry point exports`);
  }
  for (const [spec] of entries) {
    const core = spec === CORE ? new Set<string>() : new Set(names[CORE]);
    const own = names[spec].filter((n) => !core.has(n));
    refSections.push(`## \`${spec}\`\n\n${spec === CORE ? '' : `Everything of \`${CORE}\`, and:\n\n`}`
      + `| name | what it is |\n|---|---|\n${own.map((n) => `| \`${n}\` | ${summaries[n].replace(/\|/g, '\\|')} |`).join('\n')}`);
  }
  const reference = `# API reference\n\nEvery name the package exports, by entry point, with the first sentence of its documentation `
    + '(generated by `npm run api:report` from the JSDoc; the declarations are in api/capi-constructs.api.md). '
    + 'Import the cdk8s constructs from `capi-constructs`, the Pulumi components from `capi-constructs/pulumi`, and the '
    + `framework-free functions from \`capi-constructs/core\`.\n\n${refSections.join('\n\n')}\n`;
  const text = `# API report of capi-constructs\n\nGenerated by \`npm run api:report\` from the published declarations; `
    + 'test/package/api-report.test.ts fails when it is out of date. Review every change to this file: it is the '
    + `package's public surface.\n\n${sections.join('\n\n')}\n`;
  return { text, names, forgotten: [...new Set(forgotten)].sort(), summaries, reference, declarations };
}

if (require.main === module) {
  const report = apiReport();
  fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
  fs.writeFileSync(REPORT_FILE, report.text);
  fs.writeFileSync(REFERENCE_FILE, report.reference);
  process.stdout.write(`wrote ${path.relative(REPO, REPORT_FILE)}: ${Object.entries(report.names).map(([k, v]) => `${k} ${v.length}`).join(', ')}\n`);
  if (report.forgotten.length > 0) process.stdout.write(`forgotten exports:\n  ${report.forgotten.join('\n  ')}\n`);
  const undocumented = Object.entries(report.summaries).filter(([, v]) => !v).map(([k]) => k);
  if (undocumented.length > 0) process.stdout.write(`exported without JSDoc:\n  ${undocumented.join('\n  ')}\n`);
}
