/**
 * Reads the objects stored in jest snapshot files (test/**\/__snapshots__/*.snap), so the conformance
 * suite can validate exactly what the snapshot tests pinned. Jest writes snapshots with pretty-format
 * (`printBasicPrototype: false`): JSON plus trailing commas. Entries that are not lists of Kubernetes
 * objects (or a single object) are ignored.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

export interface SnapshotEntry {
  readonly file: string;
  readonly name: string;
  /** The objects, or the reason they could not be read. */
  readonly objects: any[] | { error: string };
}

/** Every `*.snap` file under `dir`, except those under node_modules. */
export function snapshotFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...snapshotFiles(p));
    else if (e.isFile() && e.name.endsWith('.snap') && path.basename(dir) === '__snapshots__') out.push(p);
  }
  return out.sort();
}

/**
 * pretty-format text -> JSON text: escape raw newlines inside strings, drop trailing commas.
 * pretty-format does not escape `"` inside strings (a kube-vip manifest holds `value: "true"`), so a
 * `"` inside a string closes it only where a JSON string can end here: before `,` + newline, before
 * `: ` (a key), or before a newline and the closing bracket of the enclosing list or object.
 */
function toJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') { out += ch + (text[i + 1] ?? ''); i++; continue; }
      if (ch === '"') {
        if (closesString(text, i + 1)) {
          inString = false;
          out += ch;
        } else out += '\\"';
        continue;
      }
      out += ch === '\n' ? '\\n' : ch;
    } else {
      if (ch === '"') inString = true;
      out += ch;
    }
  }
  return out.replace(/,(\s*[\]}])/g, '$1');
}

function closesString(text: string, at: number): boolean {
  if (at >= text.length) return true;
  const rest = text.slice(at, at + 200);
  return /^(,\n|: |\n\s*[\]}]|\s*$)/.test(rest);
}

const isK8sObject = (o: any): boolean => !!o && typeof o === 'object' && typeof o.apiVersion === 'string' && typeof o.kind === 'string';

/** The Kubernetes objects in one snapshot file, entry by entry. */
export function readSnapshot(file: string): SnapshotEntry[] {
  const exportsObj: Record<string, string> = {};
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), { exports: exportsObj });
  const out: SnapshotEntry[] = [];
  for (const [name, raw] of Object.entries(exportsObj)) {
    if (typeof raw !== 'string' || !/"apiVersion":/.test(raw)) continue;
    let value: unknown;
    try {
      value = JSON.parse(toJson(raw.trim()));
    } catch (e) {
      out.push({ file, name, objects: { error: `cannot parse snapshot: ${(e as Error).message}` } });
      continue;
    }
    if (typeof value === 'string') {
      // A test that snapshots JSON.stringify(...) output stores a string holding JSON.
      try { value = JSON.parse(value); } catch { continue; }
    }
    const list = Array.isArray(value) ? value : [value];
    const objects = list.filter(isK8sObject);
    if (objects.length > 0) out.push({ file, name, objects });
  }
  return out;
}
