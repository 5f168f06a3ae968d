import { readdirSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';

export interface Example {
  readonly file: string;
  readonly build: (app: App) => void;
}

const NOT_EXAMPLES = new Set(['main.ts', 'load.ts']);

/** Every example module in this directory, in file-name order. */
export function loadExamples(): Example[] {
  return readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_EXAMPLES.has(f) && !f.startsWith('pulumi'))
    .sort()
    .map((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(join(__dirname, file));
      if (typeof mod.default !== 'function') throw new Error(`examples/${file} must export a default function (app: App) => void`);
      return { file, build: mod.default };
    });
}
