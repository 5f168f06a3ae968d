/** TypeScript code blocks of the repository's Markdown files, as a reader sees them. */
import * as fs from 'fs';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '../..');

export interface CodeBlock {
  /** File relative to the repository. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The nearest heading above the block. */
  readonly heading: string;
  /** The words after the language on the fence line (e.g. `fragment=chart`). */
  readonly info: string;
  readonly code: string;
}

/** Every ```ts / ```typescript block of a Markdown file. */
export function typescriptBlocks(file: string): CodeBlock[] {
  const rel = path.relative(REPO, path.resolve(REPO, file));
  const lines = fs.readFileSync(path.resolve(REPO, file), 'utf8').split('\n');
  const out: CodeBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (h) { heading = h[1].trim(); continue; }
    const fence = /^```(ts|typescript)\b\s*(.*)$/.exec(lines[i]);
    if (!fence) {
      if (/^```/.test(lines[i])) { // skip other blocks whole, so that their lines are not read as headings
        while (++i < lines.length && !/^```\s*$/.test(lines[i]));
      }
      continue;
    }
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
    out.push({ file: rel, line: start + 1, heading, info: fence[2].trim(), code: `${body.join('\n')}\n` });
  }
  return out;
}

/** The first TypeScript block under the heading `heading` of a Markdown file. */
export function blockUnder(file: string, heading: string): CodeBlock {
  const block = typescriptBlocks(file).find((b) => b.heading === heading);
  if (!block) throw new Error(`${file} has no TypeScript block under the heading "${heading}"`);
  return block;
}
