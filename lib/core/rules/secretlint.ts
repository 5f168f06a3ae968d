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
 */

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

/** The rules' `file` handlers, created once; each reports into {@link current}. */
let loaded: readonly { readonly id: string; readonly file: (source: SecretlintSource) => unknown }[] | undefined;
let current: { ruleId: string; found?: SecretlintFinding } = { ruleId: '' };

function handlers(): NonNullable<typeof loaded> {
  if (loaded === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see the file comment)
    const preset = require('@secretlint/secretlint-rule-preset-recommend') as { rules: readonly SecretlintRuleCreator[] };
    const context: SecretlintContext = {
      report(descriptor) {
        const id = (descriptor.message as { messageId?: unknown } | undefined)?.messageId;
        const messageId = typeof id === 'string' ? id : 'unknown';
        if (!current.found && !DROPPED_MESSAGES.has(messageId)) current.found = { ruleId: current.ruleId, messageId };
      },
      ignore() {},
      createTranslator: () => (messageId) => ({ messageId }),
    };
    const out: { id: string; file: (source: SecretlintSource) => unknown }[] = [];
    for (const rule of preset.rules) {
      if (rule.meta.type === 'filter' || SKIPPED_RULES.has(rule.meta.id)) continue;
      const file = rule.create(context, { ...RULE_OPTIONS[rule.meta.id] }).file;
      if (typeof file === 'function') out.push({ id: rule.meta.id, file });
    }
    loaded = out;
  }
  return loaded;
}

/** The ids of the preset's rules the scan runs. */
export function secretlintRuleIds(): string[] {
  return handlers().map((r) => r.id);
}

/** The first thing the preset's rules find in `text`, or undefined. */
export function secretlintFinding(text: string): SecretlintFinding | undefined {
  const source: SecretlintSource = { content: text, ext: text.trimStart().startsWith('{') ? '.json' : '', contentType: 'text' };
  for (const rule of handlers()) {
    current = { ruleId: rule.id };
    const result = rule.file(source);
    // only the GCP rule's .p12 branch is asynchronous, and a string has no file name: nothing to await
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).catch(() => undefined);
    if (current.found) return current.found;
  }
  return undefined;
}
