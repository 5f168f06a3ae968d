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
 * - `output`: what the block prints (stdout, then stderr) must be exactly the text of the ```text block
 *   that follows it.
 * - `needs=cluster`: the block talks to a running cluster (kubectl, a kubeconfig, a server it starts); it
 *   is type-checked here and not run.
 *
 * Every other block is run, in an empty directory (holding only `previous.json`, an empty List: the
 * previous state the day-2 blocks read), and must produce what it promises: a block that synthesizes a
 * cdk8s App or writes a fleet writes its objects to `dist/`; a Pulumi program registers its objects
 * (under `pulumi.runtime.setMocks`); any block runs without an error and leaves no failing exit code.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as util from 'util';
import { parseAllDocuments } from 'yaml';
import { runPulumi } from '../pulumi/harness';
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

function marker(b: CodeBlock): { fragment?: string; throws: boolean; at?: string; output: boolean; needsCluster: boolean } {
  const words = b.info.split(/\s+/).filter(Boolean);
  const value = (key: string) => words.find((w) => w.startsWith(`${key}=`))?.slice(key.length + 1);
  const unknown = words.filter((w) => !w.startsWith('fragment=') && !w.startsWith('in=') && !['throws', 'output', 'needs=cluster'].includes(w));
  if (unknown.length > 0) throw new Error(`${b.file}:${b.line}: unknown fence marker(s) ${unknown.join(' ')}`);
  const at = value('in');
  if (at !== undefined && (path.isAbsolute(at) || at.split('/').includes('..') || fs.existsSync(path.join(REPO, at)))) {
    throw new Error(`${b.file}:${b.line}: in=${at} must be a repository path that does not exist yet`);
  }
  if (words.includes('throws') && words.includes('output')) throw new Error(`${b.file}:${b.line}: a block either throws or shows its output`);
  return { fragment: value('fragment'), throws: words.includes('throws'), at, output: words.includes('output'), needsCluster: words.includes('needs=cluster') };
}

/** Blocks this test runs: the user's programs, except those that throw (run below) or need a cluster. */
function runs(b: CodeBlock): boolean {
  const m = marker(b);
  return m.at === undefined && !m.throws && !m.needsCluster;
}

/** The text of the ```text block that follows a block (nothing but blank lines and prose between). */
function shownAfter(b: CodeBlock): string {
  const md = fs.readFileSync(path.join(REPO, b.file), 'utf8').split('\n');
  const after = md.slice(b.line + b.code.split('\n').length);
  const start = after.findIndex((l) => /^```text\s*$/.test(l));
  if (start < 0 || !after.slice(0, start).every((l) => !/^```/.test(l))) throw new Error(`${b.file}:${b.line}: no \`\`\`text block follows`);
  const end = after.findIndex((l, i) => i > start && /^```\s*$/.test(l));
  return after.slice(start + 1, end).join('\n');
}

interface Run {
  /** stdout, then stderr, as printed. */
  readonly printed: string;
  /** Every object the block wrote to `dist/` (YAML files), by file. */
  readonly written: ReadonlyMap<string, Record<string, any>[]>;
  /** The `kubernetes:*` objects a Pulumi block registered. */
  readonly registered: Record<string, any>[];
  readonly errors: unknown[];
  readonly exitCode: number | string | undefined;
}

/** Runs a block in an empty directory, capturing what it prints and writes. */
async function run(b: CodeBlock): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-doc-block-'));
  fs.writeFileSync(path.join(dir, 'previous.json'), '{ "apiVersion": "v1", "kind": "List", "items": [] }\n');
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  const outdir = process.env.CDK8S_OUTDIR;
  delete process.env.CDK8S_OUTDIR;
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; }),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; }),
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(`${util.format(...a)}\n`); }),
    jest.spyOn(console, 'info').mockImplementation((...a: unknown[]) => { out.push(`${util.format(...a)}\n`); }),
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err.push(`${util.format(...a)}\n`); }),
    jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => { err.push(`${util.format(...a)}\n`); }),
  ];
  let registered: Record<string, any>[] = [];
  const errors: unknown[] = [];
  let exit: number | string | undefined;
  try {
    process.chdir(dir);
    process.exitCode = undefined;
    if (/from 'capi-constructs\/pulumi'/.test(b.code)) {
      const result = await runPulumi(() => require(fileFor(b)));
      registered = result.objects;
      errors.push(...result.errors);
    } else {
      await jest.isolateModulesAsync(async () => {
        try {
          require(fileFor(b));
          for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        } catch (e) {
          errors.push(e);
        }
      });
    }
  } finally {
    exit = process.exitCode;
    process.exitCode = exitCode;
    process.chdir(cwd);
    if (outdir !== undefined) process.env.CDK8S_OUTDIR = outdir;
    for (const spy of spies) spy.mockRestore();
  }
  const dist = path.join(dir, 'dist');
  const written = new Map<string, Record<string, any>[]>();
  if (fs.existsSync(dist)) {
    for (const f of fs.readdirSync(dist).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      written.set(f, parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map((d) => d.toJSON()).filter((o) => o !== null));
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { printed: `${out.join('')}${err.join('')}`, written, registered, errors, exitCode: exit };
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
  for (const b of blocks) if (marker(b).throws || runs(b)) fs.writeFileSync(fileFor(b), programText(b, scratch));
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
    const shown = shownAfter(b);
    let thrown: unknown;
    try {
      jest.isolateModules(() => { require(fileFor(b)); });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(`${(thrown as Error).name}: ${(thrown as Error).message}`).toBe(shown);
  });
  const running = blocks.filter(runs);
  test('most blocks run; those that do not say why (needs=cluster)', () => {
    expect(running.length).toBeGreaterThan(blocks.filter((b) => marker(b).needsCluster).length * 3);
  });

  test.each(running.map((b) => [`${b.file}:${b.line}`, b] as const))('%s runs and produces what it promises', async (_, b) => {
    const r = await run(b);
    expect(r.errors).toEqual([]);
    expect(r.exitCode ?? 0).toBe(0);
    const synthesizes = /\.synth\(\)|writeFleet\(/.test(b.code) || marker(b).fragment !== undefined;
    if (synthesizes) {
      // it wrote its objects: at least one file, every file with objects, every object a named Kubernetes object
      expect(r.written.size).toBeGreaterThan(0);
      for (const [file, objects] of r.written) {
        expect([file, objects.length > 0]).toEqual([file, true]);
        for (const o of objects) expect([file, typeof o.apiVersion, typeof o.kind, typeof o.metadata?.name]).toEqual([file, 'string', 'string', 'string']);
      }
    } else {
      expect([...r.written.keys()]).toEqual([]);
    }
    if (/from 'capi-constructs\/pulumi'/.test(b.code)) {
      expect(r.registered.length).toBeGreaterThan(0);
      for (const o of r.registered) expect([typeof o.apiVersion, typeof o.kind, typeof o.metadata?.name]).toEqual(['string', 'string', 'string']);
    }
    if (marker(b).output) expect(r.printed).toBe(`${shownAfter(b)}\n`);
  }, 120_000);
});
