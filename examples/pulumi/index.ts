/**
 * Entry point of the Pulumi project in /Pulumi.yaml (`pulumi up` from the repository root).
 *
 * Runs one example twin from this directory, chosen by the stack config `example` (default
 * `node-groups`, the file name without `.ts`):
 *
 *     pulumi config set example node-groups
 *
 * The objects go to the management cluster of the default Kubernetes provider: the current context
 * of your kubeconfig, or the one set with `pulumi config set kubernetes:context <context>`.
 */
import { readdirSync } from 'fs';
import * as pulumi from '@pulumi/pulumi';

/** The twins this directory holds (every `.ts` file but this one). Not exported: Pulumi would publish exports as stack outputs. */
function twinNames(): string[] {
  return readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'index.ts')
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

const example = new pulumi.Config().get('example') ?? 'node-groups';
const names = twinNames();
if (!names.includes(example)) {
  throw new Error(`config "example": ${JSON.stringify(example)} is not an example; choose one of ${names.join(', ')}`);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require(`./${example}`) as { default: () => void }).default();
