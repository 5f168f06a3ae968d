/**
 * The maintained part of the credential scan: the rules of secretlint's recommended preset
 * (`@secretlint/secretlint-rule-preset-recommend`, pinned in package.json), run in-process and
 * synchronously on one string.
 *
 * Why the preset's rules and not `@secretlint/core`: the core's `lintSource` is asynchronous, and the
 * library validates inside constructors and render functions that return synchronously (a cdk8s synth
 * cannot await). Each rule of the preset is a creator whose `create(context, options)` returns a
 * synchronous `file(source)` handler that matches `source.content` and calls `context.report` (the rule
 * contract of `@secretlint/types`); the only asynchronous handler is the GCP rule's for `.p12` files,
 * which a string never is. So the library gives each rule a minimal context, runs its `file` handler on
 * the string and collects what it reports. The preset is one bundled ES module without dependencies
 * (1.1 MB of JavaScript), loaded through `require` (Node.js 20.19 and later load ES modules that way)
 * the first time a string is scanned, so a program that never validates a string never loads it.
 *
 * Only the rule id and message id of a finding are kept: secretlint's message text quotes the secret,
 * and no credential may reach an error message or a log.
 *
 * Most strings hold nothing any rule looks for, so each rule runs only on text that contains its
 * trigger (secretlint-triggers.ts): a literal every report of the rule needs. One regular expression,
 * all triggers together, rejects nearly every string in a single pass.
 */
import { PRESET_VERSION, RULE_TRIGGERS } from './secretlint-triggers';

/** The part of secretlint's rule contract (`@secretlint/types`) the library uses. */
interface SecretlintSource {
  readonly content: string;
  readonly filePath?: string;
  readonly ext: string;
  readonly contentType: 'text';
}
interface SecretlintReport {
  readonly message: unknown;
}
interface SecretlintContext {
  report(descriptor: SecretlintReport): void;
  ignore(descriptor: unknown): void;
  createTranslator(messages: unknown): (messageId: string, data?: unknown) => { messageId: string };
}
interface SecretlintRuleCreator {
  readonly meta: { readonly id: string; readonly type?: string };
  create(context: SecretlintContext, options: Record<string, unknown>): { file?: (source: SecretlintSource) => unknown };
}

/** What the preset found: the rule and its message id, never the matched text. */
export interface SecretlintFinding {
  /** e.g. `@secretlint/secretlint-rule-aws`. */
  readonly ruleId: string;
  /** e.g. `AWSSecretAccessKey`. */
  readonly messageId: string;
}

/** The preset's own id for itself, and the filter rule that only suppresses findings (by source comments). */
const SKIPPED_RULES = new Set(['@secretlint/secretlint-rule-filter-comments']);

/**
 * Options per rule: the AWS rule also scans for access key IDs (`AKIA…`); its account-id finding is
 * dropped (an account id is not a credential).
 */
const RULE_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
};
const DROPPED_MESSAGES = new Set(['AWSAccountID']);

/** A rule's `file` handler, and the trigger its reports need (undefined: the rule always runs). */
interface LoadedRule {
  readonly id: string;
  readonly file: (source: SecretlintSource) => unknown;
  readonly trigger: RegExp | undefined;
}

/** The rules' `file` handlers, created once; each reports into {@link current}. */
let loaded: readonly LoadedRule[] | undefined;
/** All triggers in one expression; undefined when a rule has none (a preset other than the one they were read from). */
let anyTrigger: RegExp | undefined;
let current: { ruleId: string; found?: SecretlintFinding; all?: SecretlintFinding[] } = { ruleId: '' };

function handlers(): readonly LoadedRule[] {
  if (loaded === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see the file comment)
    const preset = require('@secretlint/secretlint-rule-preset-recommend') as { rules: readonly SecretlintRuleCreator[] };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the triggers were read from one release of the preset
    const version = (require('@secretlint/secretlint-rule-preset-recommend/package.json') as { version?: unknown }).version;
    const triggers: Readonly<Record<string, RegExp>> = version === PRESET_VERSION ? RULE_TRIGGERS : {};
    const context: SecretlintContext = {
      report(descriptor) {
        const id = (descriptor.message as { messageId?: unknown } | undefined)?.messageId;
        const messageId = typeof id === 'string' ? id : 'unknown';
        if (DROPPED_MESSAGES.has(messageId)) return;
        if (current.all) current.all.push({ ruleId: current.ruleId, messageId });
        else current.found ??= { ruleId: current.ruleId, messageId };
      },
      ignore() {},
      createTranslator: () => (messageId) => ({ messageId }),
    };
    const out: LoadedRule[] = [];
    for (const rule of preset.rules) {
      if (rule.meta.type === 'filter' || SKIPPED_RULES.has(rule.meta.id)) continue;
      const file = rule.create(context, { ...RULE_OPTIONS[rule.meta.id] }).file;
      if (typeof file === 'function') out.push({ id: rule.meta.id, file, trigger: Object.hasOwn(triggers, rule.meta.id) ? triggers[rule.meta.id] : undefined });
    }
    anyTrigger = out.every((r) => r.trigger !== undefined) ? new RegExp(out.map((r) => `(?:${r.trigger!.source})`).join('|')) : undefined;
    loaded = out;
  }
  return loaded;
}

/** The ids of the preset's rules the scan runs. */
export function secretlintRuleIds(): string[] {
  return handlers().map((r) => r.id);
}

/** Whether every rule of the loaded preset has a trigger, so that text without any is skipped in one pass. */
export function secretlintTriggersApply(): boolean {
  handlers();
  return anyTrigger !== undefined;
}

/**
 * The first thing the preset's rules find in `text`, or undefined. A rule runs only when `text` holds
 * its trigger, which every report of the rule needs: the result is the first of {@link secretlintFindings}.
 */
export function secretlintFinding(text: string): SecretlintFinding | undefined {
  const rules = handlers();
  if (anyTrigger !== undefined && !anyTrigger.test(text)) return undefined;
  const source = sourceOf(text);
  for (const rule of rules) {
    if (rule.trigger !== undefined && !rule.trigger.test(text)) continue;
    current = { ruleId: rule.id };
    run(rule, source);
    if (current.found) return current.found;
  }
  return undefined;
}

/**
 * Everything the preset's rules find in `text`, rule by rule in the preset's order. With `triggers:
 * false` every rule runs on the whole text: the scan the triggers must agree with.
 */
export function secretlintFindings(text: string, options: { readonly triggers: boolean }): SecretlintFinding[] {
  const rules = handlers();
  const all: SecretlintFinding[] = [];
  if (options.triggers && anyTrigger !== undefined && !anyTrigger.test(text)) return all;
  const source = sourceOf(text);
  for (const rule of rules) {
    if (options.triggers && rule.trigger !== undefined && !rule.trigger.test(text)) continue;
    current = { ruleId: rule.id, all };
    run(rule, source);
  }
  current = { ruleId: '' };
  return all;
}

function sourceOf(text: string): SecretlintSource {
  return { content: text, ext: text.trimStart().startsWith('{') ? '.json' : '', contentType: 'text' };
}

function run(rule: LoadedRule, source: SecretlintSource): void {
  const result = rule.file(source);
  // only the GCP rule's .p12 branch is asynchronous, and a string has no file name: nothing to await
  if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).catch(() => undefined);
}
