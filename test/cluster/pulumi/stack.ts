/**
 * Runs one operation of a Pulumi stack through the real engine: the Pulumi CLI and the Kubernetes
 * provider plugin built from upstream (npm run mgmt:build), with the program inline in this process
 * (the automation API's inline program: the Node.js language runtime runs here, so no
 * pulumi-language-nodejs binary is needed).
 *
 * Local state only: `file://<state dir>` backend, a fixed passphrase, PULUMI_HOME in the work dir, the
 * plugins from the bin dirs on PATH and automatic plugin download off, so nothing is ever downloaded.
 *
 * Usage: node --import tsx test/cluster/pulumi/stack.ts '<json Request>'; prints a json Result as the
 * last line of stdout. A failed operation is a Result with `error`, not a crash.
 */
import { mkdirSync } from 'fs';
import { delimiter, join, resolve } from 'path';
import { EngineEvent, LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';

export interface Request {
  action: 'up' | 'preview' | 'destroy';
  /** Module whose default export is the program; a module without one is the program itself (required fresh). */
  program: string;
  /** Work dir: state (`state/`) and PULUMI_HOME (`home/`). One per test file. */
  workDir: string;
  stack: string;
  /** Directories with `pulumi` and `pulumi-resource-kubernetes`, put first on PATH. */
  bin: string[];
  /** Kubeconfig of the cluster the default Kubernetes provider talks to. */
  kubeconfig: string;
  /** Stack config, `<key>: <value>` (keys without namespace are the project's). */
  config?: Record<string, string>;
}

export interface Result {
  /** Everything the engine printed. */
  output: string;
  /** `up`/`destroy`: resource changes by operation (`create`, `update`, `same`, `delete`, `replace`, ...). */
  changes?: Record<string, number>;
  error?: string;
  /** URNs of the resources in the stack's state after the operation. */
  urns: string[];
  /** The engine's step events of an `up` or `destroy`, in the engine's order (its event sequence numbers). */
  steps?: Step[];
}

/** One step event: a resource's operation started (`resourcePreEvent`), finished (`resOutputsEvent`) or failed. */
export interface Step {
  event: 'started' | 'finished' | 'failed';
  /** `create`, `update`, `delete`, `same`, ... */
  op: string;
  urn: string;
}

/** The step events of `events`, ordered by the engine's sequence numbers (the preview steps of a plan left out). */
function stepsOf(events: readonly EngineEvent[]): Step[] {
  const steps: { sequence: number; step: Step }[] = [];
  for (const e of events) {
    const [event, body] = e.resourcePreEvent ? ['started', e.resourcePreEvent] as const
      : e.resOutputsEvent ? ['finished', e.resOutputsEvent] as const
        : e.resOpFailedEvent ? ['failed', e.resOpFailedEvent] as const : [];
    if (!event || !body || ('planning' in body && body.planning)) continue;
    steps.push({ sequence: e.sequence, step: { event, op: body.metadata.op, urn: body.metadata.urn } });
  }
  return steps.sort((a, b) => a.sequence - b.sequence).map((s) => s.step);
}

const PROJECT = 'capi-constructs-real-engine';

async function run(req: Request): Promise<Result> {
  const workDir = resolve(req.workDir);
  const state = join(workDir, 'state');
  const home = join(workDir, 'home');
  mkdirSync(state, { recursive: true });
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: 'capi-constructs-test',
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: '1',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true', // a CLI built with go build carries no release version
    KUBECONFIG: req.kubeconfig,
    PATH: [...req.bin, process.env.PATH ?? ''].join(delimiter),
  };
  Object.assign(process.env, env);
  const pulumiCommand = await PulumiCommand.get({ skipVersionCheck: true });
  const program = async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(resolve(req.program)) as { default?: () => void };
    if (typeof mod.default === 'function') mod.default();
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: PROJECT, stackName: req.stack, program },
    { workDir, pulumiHome: home, pulumiCommand, envVars: env, projectSettings: { name: PROJECT, runtime: 'nodejs', backend: { url: `file://${state}` } } },
  );
  for (const [key, value] of Object.entries(req.config ?? {})) await stack.setConfig(key, { value });
  let output = '';
  const onOutput = (s: string) => {
    output += s;
  };
  const events: EngineEvent[] = [];
  const onEvent = (e: EngineEvent) => {
    events.push(e);
  };
  const urns = async () => ((await stack.exportStack()).deployment?.resources ?? []).map((r: { urn: string }) => r.urn);
  try {
    if (req.action === 'up') {
      const r = await stack.up({ onOutput, onEvent, color: 'never' });
      return { output, changes: r.summary.resourceChanges as Record<string, number>, urns: await urns(), steps: stepsOf(events) };
    }
    if (req.action === 'preview') {
      const r = await stack.preview({ onOutput, diff: true, color: 'never' });
      return { output, changes: r.changeSummary as Record<string, number>, urns: await urns() };
    }
    const r = await stack.destroy({ onOutput, onEvent, color: 'never' });
    return { output, changes: r.summary.resourceChanges as Record<string, number>, urns: await urns(), steps: stepsOf(events) };
  } catch (e) {
    return { output, error: e instanceof Error ? e.message : String(e), urns: await urns(), steps: stepsOf(events) };
  }
}

if (require.main === module) {
  run(JSON.parse(process.argv[2] ?? '{}') as Request).then(
    (r) => {
      process.stdout.write(`\n${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (e) => {
      process.stdout.write(`\n${JSON.stringify({ output: '', error: e instanceof Error ? e.stack : String(e), urns: [] })}\n`);
      process.exit(0);
    },
  );
}
