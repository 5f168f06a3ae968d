/**
 * The real engine output that docs/pulumi.md and README.md show, checked against the output of the
 * same operations in this run of test/cluster/pulumi.test.ts.
 *
 * A shown output is a ```text block whose fence names the operation it comes from:
 * ```` ```text engine-output=<stack>/<action>/<n> ```` is the n-th `<action>` (up, preview, destroy) of the
 * stack `<stack>` in the test file. Add `excerpt` to the fence when the block leaves resources out.
 *
 * What is compared, durations and line order aside: the resource rows (operation, type token, name) and
 * the `Resources:` totals. A full block must show exactly the rows the engine printed; an excerpt
 * only rows it printed. So a change in the components that changes the plan (another object, another
 * name, an update where there was none) fails the check until the docs show the new output.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

export interface Operation {
  stack: string;
  action: 'up' | 'preview' | 'destroy';
  output: string;
}

export interface ShownOutput {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  stack: string;
  action: string;
  /** 1 for the first operation of this action on this stack, ... */
  n: number;
  excerpt: boolean;
  text: string;
}

const TYPE = '[A-Za-z0-9-]+:[A-Za-z0-9./-]*:[A-Za-z0-9]+';
/** A row of `pulumi up` / `destroy` (non-interactive): ` +  <type> <name> creating (0s) ...`, or no symbol for a resource left as it is. */
const ROW = new RegExp(`^ ([-+~]{1,2}|  )\\s+(${TYPE}) ([^\\s(]\\S*)`);
/** A step of `pulumi preview --diff`: `    + <type>: (create)`, followed by its `[urn=...::<name>]` line. */
const STEP = new RegExp(`^\\s+(?:[-+~]{1,2} )?(${TYPE}): \\(([a-z-]+)\\)\\s*$`);
const URN = /^\s+\[urn=urn:pulumi:.*::([^:\]]+)\]\s*$/;

/** The resource rows of an engine output, as `<op> <type> <name>`, each once, sorted. */
export function resourceRows(output: string): string[] {
  const lines = output.split('\n');
  const end = lines.findIndex((l) => /^(Diagnostics|Resources):\s*$/.test(l));
  const body = end < 0 ? lines : lines.slice(0, end);
  const rows = new Set<string>();
  const named = new Set<string>();
  body.forEach((line, i) => {
    const row = ROW.exec(line);
    if (row) {
      rows.add(`${row[1].trim() || '='} ${row[2]} ${row[3]}`);
      if (row[1].trim()) named.add(`${row[2]} ${row[3]}`);
      return;
    }
    const step = STEP.exec(line);
    if (step) {
      const urn = body.slice(i + 1, i + 4).map((l) => URN.exec(l)).find(Boolean);
      rows.add(`${step[2]} ${step[1]} ${urn ? urn[1] : '(no urn line)'}`);
    }
  });
  // A row without operation (`=`) is the resource printing a message before or after its step (the
  // stack's warnings, for one); whether the engine prints one depends on timing, so it only counts for
  // a resource that has no step in the output.
  return [...rows].filter((r) => !r.startsWith('= ') || !named.has(r.slice(2))).sort();
}

/** The `Resources:` totals (`+ 18 created`, `6 changes. 10 unchanged`, ...), one a line. */
export function totals(output: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => /^Resources:\s*$/.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.trim() || /^Duration:/.test(l)) break;
    out.push(l.trim());
  }
  return out;
}

/** Every ```text engine-output=... block of a Markdown file of the repository. */
export function shownOutputs(root: string, file: string): ShownOutput[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: ShownOutput[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```text\s+(.*)$/.exec(lines[i]);
    const words = fence?.[1].split(/\s+/).filter(Boolean) ?? [];
    const id = words.find((w) => w.startsWith('engine-output='))?.slice('engine-output='.length);
    if (!id) continue;
    const [stack, action, n] = id.split('/');
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
    out.push({ file, line: start + 1, stack, action, n: Number(n), excerpt: words.includes('excerpt'), text: body.join('\n') });
  }
  return out;
}

/** What a shown output gets wrong about the operation it names, as messages (none: it is true). */
export function checkShown(shown: ShownOutput, ran: readonly Operation[]): string[] {
  const where = `${shown.file}:${shown.line} (${shown.stack}/${shown.action}/${shown.n})`;
  const op = ran.filter((o) => o.stack === shown.stack && o.action === shown.action)[shown.n - 1];
  if (!op) return [`${where}: this run had no such operation`];
  const problems: string[] = [];
  const printed = resourceRows(op.output);
  const rows = resourceRows(shown.text);
  if (rows.length === 0) problems.push(`${where}: shows no resource row`);
  for (const r of rows.filter((x) => !printed.includes(x))) problems.push(`${where}: shows "${r}", which the engine did not print`);
  if (!shown.excerpt) for (const r of printed.filter((x) => !rows.includes(x))) problems.push(`${where}: the engine printed "${r}", which the docs leave out`);
  const [want, got] = [totals(op.output), totals(shown.text)];
  if (want.join('\n') !== got.join('\n')) problems.push(`${where}: shows the totals ${JSON.stringify(got)}, the engine printed ${JSON.stringify(want)}`);
  return problems;
}
