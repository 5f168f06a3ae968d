/**
 * The README and docs/ ship in the package: a relative link must point to a file the package ships
 * (package.json `files`), and an anchor to a heading of that file. Repository files are linked by URL.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { files: string[] };
const docs = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const shipped = (rel: string) => pkg.files.some((f) => rel === f || rel.startsWith(`${f}/`));
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(path.join(REPO, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
}

test.each(docs)('%s links only to files the package ships', (doc) => {
  const text = fs.readFileSync(path.join(REPO, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
  const bad: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z]+:/.test(target)) continue;
    const [file, anchor] = target.split('#');
    const rel = file === '' ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), file));
    if (!fs.existsSync(path.join(REPO, rel)) || !shipped(rel)) bad.push(`${target}: ${rel} is not in the package`);
    else if (anchor && rel.endsWith('.md') && !anchors(rel).has(anchor)) bad.push(`${target}: no heading #${anchor} in ${rel}`);
  }
  expect(bad).toEqual([]);
});
