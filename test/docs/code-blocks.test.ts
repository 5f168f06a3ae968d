/**
 * Docs that run. Every TypeScript block of README.md and docs/*.md is type-checked as a complete program:
 * its imports of `capi-constructs`, `capi-constructs/pulumi` and `capi-constructs/core` resolve to this
 * repository's entry points (lib/), exactly the names a user can import.
 *
 * Fence markers (the words after ```ts):
 * - `fragment=<wrapper>`: the block is a fragment; it is checked inside the named wrapper of
 *   {@link WRAPPERS} (the wrapper supplies the imports and variables it names, nothing else).
 * - `throws`: the block is run, and must throw an error whose message is exactly the text of the
 *   ```text block that follows it (so every sample error in the docs is one the library produces).
 * - `in=<path>`: the block is a file of this repository's own (a contributor's test or a core module),
 *   checked as if it sat at `<path>`, so its relative imports resolve as they would there.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { CodeBlock, REPO, typescriptBlocks } from '../support/markdown';

/** Preludes for fragment blocks: what the block may assume. */
const WRAPPERS: Readonly<Record<string, { readonly before: string; readonly after?: string }>> = {
  // a cdk8s program's body: `app` and a `chart` to add constructs to
  chart: { before: "import { App, Chart } from 'cdk8s';\nconst app = new App();\nconst chart = new Chart(app, 'docs');\n", after: 'app.synth();\n' },
};

const ENTRY_POINTS: Readonly<Record<string, string>> = {
  'capi-constructs': 'lib/index.ts',
  'capi-constructs/pulumi': 'lib/pulumi/index.ts',
  'capi-constructs/core': 'lib/core/index.ts',
  'capi-constructs/ops': 'lib/ops/index.ts',
  'capi-constructs/service': 'lib/service/index.ts',
};

const markdown = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const blocks = markdown.flatMap((f) => typescriptBlocks(f));
const scratch = path.join(REPO, '.scratch', 'docs-blocks');

function marker(b: CodeBlock): { fragment?: string; throws: boolean; at?: string } {
  const words = b.info.split(/\s+/).filter(Boolean);
  const value = (key: string) => words.find((w) => w.startsWith(`${key}=`))?.slice(key.length + 1);
  const unknown = words.filter((w) => !w.startsWith('fragment=') && !w.startsWith('in=') && w !== 'throws');
  if (unknown.length > 0) throw new Error(`${b.file}:${b.line}: unknown fence marker(s) ${unknown.join(' ')}`);
  const at = value('in');
  if (at !== undefined && (path.isAbsolute(at) || at.split('/').includes('..') || fs.existsSync(path.join(REPO, at)))) {
    throw new Error(`${b.file}:${b.line}: in=${at} must be a repository path that does not exist yet`);
  }
  return { fragment: value('fragment'), throws: words.includes('throws'), at };
}

/** The block as a module file; imports of the package point at lib/. */
function programText(b: CodeBlock, fromDir: string): string {
  const { fragment, at } = marker(b);
  if (at !== undefined) return b.code;
  const wrapper = fragment === undefined ? undefined : WRAPPERS[fragment];
  if (fragment !== undefined && !wrapper) throw new Error(`${b.file}:${b.line}: unknown wrapper fragment=${fragment} (known: ${Object.keys(WRAPPERS).join(', ')})`);
  const code = b.code.replace(/from '(capi-constructs(?:\/pulumi|\/core|\/ops|\/service)?)'/g, (_, spec: string) => {
    const rel = path.relative(fromDir, path.join(REPO, ENTRY_POINTS[spec])).replace(/\.ts$/, '');
    return `from '${rel.startsWith('.') ? rel : `./${rel}`}'`;
  });
  if (/from 'capi-constructs\//.test(code) || /from '\.\.?\/.*(lib|test)\//.test(b.code)) {
    throw new Error(`${b.file}:${b.line}: imports something that is not a public entry point`);
  }
  return `${wrapper?.before ?? ''}${code}${wrapper?.after ?? ''}\nexport {};\n`;
}

function fileFor(b: CodeBlock): string {
  const { at } = marker(b);
  return at !== undefined ? path.join(REPO, at) : path.join(scratch, `${b.file.replace(/[/.]/g, '_')}_L${b.line}.ts`);
}

/** The blocks as source files that exist only in memory (at their own paths), for one compiler run. */
function virtualHost(options: ts.CompilerOptions, files: ReadonlyMap<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const source = host.getSourceFile.bind(host);
  host.readFile = (f) => files.get(path.resolve(f)) ?? read(f);
  host.fileExists = (f) => files.has(path.resolve(f)) || exists(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = files.get(path.resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, lang) : source(f, lang, ...rest);
  };
  return host;
}

beforeAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  // Only the blocks that are run are written out; the type check reads every block from memory.
  for (const b of blocks) if (marker(b).throws) fs.writeFileSync(fileFor(b), programText(b, scratch));
});

describe('TypeScript blocks in README.md and docs/', () => {
  test('there are blocks to check, and every block uses known markers', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const b of blocks) marker(b);
  });

  test('every block type-checks as a complete program', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.json'), {}, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    })!;
    const options = { ...config.options, noEmit: true, noUnusedLocals: false };
    const sources = new Map(blocks.map((b) => [fileFor(b), programText(b, path.dirname(fileFor(b)))]));
    const program = ts.createProgram([...sources.keys()], options, virtualHost(options, sources));
    const byFile = new Map(blocks.map((b) => [fileFor(b), b]));
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file && byFile.has(path.resolve(d.file.fileName)))
      .map((d) => {
        const b = byFile.get(path.resolve(d.file!.fileName))!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${b.file}:${b.line} (block line ${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);

  test('every block also type-checks with the lib of the tsconfig `cdk8s init typescript-app` generates (es2016)', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.json'), {}, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    })!;
    const options = { ...config.options, noEmit: true, noUnusedLocals: false, lib: ['lib.es2016.d.ts'], target: ts.ScriptTarget.ES2017 };
    const user = blocks.filter((b) => marker(b).at === undefined);
    const sources = new Map(user.map((b) => [fileFor(b), programText(b, path.dirname(fileFor(b)))]));
    const program = ts.createProgram([...sources.keys()], options, virtualHost(options, sources));
    const byFile = new Map(user.map((b) => [fileFor(b), b]));
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file && byFile.has(path.resolve(d.file.fileName)))
      .map((d) => `${byFile.get(path.resolve(d.file!.fileName))!.file}:${byFile.get(path.resolve(d.file!.fileName))!.line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(problems).toEqual([]);
  }, 120_000);

  test('a block that builds a cdk8s App synthesizes it: it writes what it promises', () => {
    const silent = blocks.filter((b) => marker(b).fragment === undefined && !marker(b).throws && /new (App|FleetApp)\(/.test(b.code) && !/\.synth\(\)/.test(b.code));
    expect(silent.map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  test('a block without cdk8s imports the core entry point, so it runs in a Pulumi-only or framework-free project', () => {
    const core = require('../../lib/core') as Record<string, unknown>;
    const coreTypes = fs.readFileSync(path.join(REPO, 'lib', 'core', 'index.ts'), 'utf8');
    const inCore = (name: string) => name in core || new RegExp(`\\b${name}\\b`).test(coreTypes);
    const misplaced = blocks.filter((b) => !/from 'cdk8s'/.test(b.code)).flatMap((b) => {
      const m = /import \{([^}]*)\} from 'capi-constructs';/.exec(b.code);
      const names = m ? m[1].split(',').map((n) => n.trim()).filter(Boolean) : [];
      return names.length > 0 && names.every(inCore) ? [`${b.file}:${b.line}`] : [];
    });
    expect(misplaced).toEqual([]);
  });

  const throwing = blocks.filter((b) => marker(b).throws);
  test.each(throwing.map((b) => [`${b.file}:${b.line}`, b] as const))('%s throws the error the docs show after it', (_, b) => {
    const md = fs.readFileSync(path.join(REPO, b.file), 'utf8').split('\n');
    const after = md.slice(b.line + b.code.split('\n').length);
    const start = after.findIndex((l) => /^```text\s*$/.test(l));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(after.slice(0, start).every((l) => !/^```/.test(l))).toBe(true);
    const end = after.findIndex((l, i) => i > start && /^```\s*$/.test(l));
    const shown = after.slice(start + 1, end).join('\n');
    let thrown: unknown;
    try {
      jest.isolateModules(() => { require(fileFor(b)); });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(`${(thrown as Error).name}: ${(thrown as Error).message}`).toBe(shown);
  });
});
