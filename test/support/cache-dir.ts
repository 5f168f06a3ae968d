/**
 * A directory in a cache, filled once and reused after: `fill` writes into a temporary directory beside the
 * target, which is marked complete and renamed into place, so concurrent test runs never see a half-filled
 * one. When another run renames its copy first, that copy is used.
 */
import * as fs from 'fs';
import * as path from 'path';

/** `root/name`, filled by `fill(tmp)` unless a complete copy is there; `stamp` is written to its `.complete`. */
export function cachedDirectory(root: string, name: string, stamp: string, fill: (tmp: string) => void): string {
  const target = path.join(root, name);
  if (fs.existsSync(path.join(target, '.complete'))) return target;
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, `.${name}-`));
  try {
    fill(tmp);
    fs.writeFileSync(path.join(tmp, '.complete'), stamp);
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      // another run renamed its copy first
      if (!fs.existsSync(path.join(target, '.complete'))) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}
