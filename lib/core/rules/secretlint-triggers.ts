/**
 * What each rule of secretlint's recommended preset needs in a text before it can report anything: a
 * literal that every match of every pattern the rule reports contains. A text without a rule's trigger
 * gets nothing from that rule, so the rule need not run (secretlint.ts); nearly all strings a fleet
 * emits hold no trigger at all, and one pass over them replaces the rules' thirty-odd.
 *
 * Read from the rules of `@secretlint/secretlint-rule-preset-recommend` 11.7.1 (the pattern each
 * reports is quoted beside its trigger). They hold for that release only: with any other the triggers
 * are not used and every rule runs on every text. test/conformance/credential-prefilter.test.ts checks
 * that every rule the preset runs has a trigger, and that with and without them the scan finds the same,
 * on the probes and on generated text.
 */

/** The release of the preset the triggers were read from. */
export const PRESET_VERSION = '11.7.1';

/**
 * Per rule id: a regular expression without flags that matches every text the rule can report on (it
 * may match more). Letters are matched in the case the rule's pattern requires; a pattern with the `i`
 * flag is covered by a trigger without letters.
 */
export const RULE_TRIGGERS: Readonly<Record<string, RegExp>> = {
  // AWSAccessKeyID: \b(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b
  // AWSSecretAccessKey: ["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)…
  // (AWSAccountID is reported too, but the scan drops it: an account id is not a credential)
  '@secretlint/secretlint-rule-aws': /A3T|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|ACCESS|[Aa]ccess/,
  // PrivateKeyJSON: a JSON text whose object has the keys "private_key_id" and "private_key"; JSON can
  // spell a key's letters only as themselves or as \u escapes
  '@secretlint/secretlint-rule-gcp': /private_key|\\u/,
  // PrivateKey: -----BEGIN[ ]?(?:(?:RSA|DSA|EC|OPENSSH|PGP) )?PRIVATE KEY(?: BLOCK)?-----…
  '@secretlint/secretlint-rule-privatekey': /-----BEGIN/,
  // PackageJSON_xOauthToken: https?:\/\/(.{1,256}):x-oauth-basic@github.com\/
  // Npmrc_authToken (for .npmrc files only): _authToken=([^$].*)
  // NPM_ACCESS_TOKEN: (?<!\p{L})npm_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])
  '@secretlint/secretlint-rule-npm': /:\/\/|_authToken=|npm_/,
  // BasicAuth: (?:https?|ftp|ftps):\/\/user:password@host
  '@secretlint/secretlint-rule-basicauth': /:\/\//,
  // SLACK_TOKEN: \b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-…
  // IncomingWebhook (flag i): https:\/\/hooks\.slack\.com\/services\/…
  '@secretlint/secretlint-rule-slack': /xox[bpaor]-|xapp-|:\/\//,
  // SENDGRID_KEY: (?<!\p{L})SG\.\w{1,128}\.\w{1,128}([-_]?)\w{1,128}(?!\w)
  '@secretlint/secretlint-rule-sendgrid': /SG\./,
  // SHOPIFY_KEY: (?<!\p{L})(shppa|shpca|shpat|shpss)_[a-zA-Z0-9]{32,64}(?![a-zA-Z0-9])
  '@secretlint/secretlint-rule-shopify': /shp(?:pa|ca|at|ss)_/,
  // GITHUB_TOKEN: (?<!\p{L})(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}…, (?<!\p{L})github_pat_[A-Za-z0-9_]{82}…
  '@secretlint/secretlint-rule-github': /gh[pousr]_|github_pat_/,
  // OPENAI_TOKEN: sk-(?:proj|svcacct|admin)-…T3BlbkFJ…, sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}
  '@secretlint/secretlint-rule-openai': /T3BlbkFJ/,
  // ANTHROPIC_API_KEY: (?<!\p{L})sk-ant-api0\d-[A-Za-z0-9_-]{90,128}AA(?![A-Za-z0-9_-])
  '@secretlint/secretlint-rule-anthropic': /sk-ant-api0/,
  // LINEAR_API_TOKEN: (?<!\p{L})lin_api_[a-zA-Z0-9_]{32,128}(?![a-zA-Z0-9_])
  '@secretlint/secretlint-rule-linear': /lin_api_/,
  // OPS_TOKEN: (?<!\p{L})ops_(ey[A-Za-z0-9+/=]{100,1280}fQ={0,2})(?![A-Za-z0-9+/=])
  '@secretlint/secretlint-rule-1password': /ops_ey/,
  // MongoDBConnection, MySQLConnection, PostgreSQLConnection (flag i): mongodb(?:\+srv)?:\/\/…,
  // (?:jdbc:)?mysql(?:x)?:\/\/…, postgres(?:ql)?:\/\/…
  '@secretlint/secretlint-rule-database-connection-string': /:\/\//,
};
