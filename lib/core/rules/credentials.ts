/**
 * No credential in any manifest. Free-form fields (`additionalFields`, infrastructure and custom
 * template specs) and every string prop are checked for:
 *
 * - secret-like keys: password, passwd, secret, token, apiKey, privateKey, clientSecret, kubeconfig,
 *   credential(s), anywhere in the key (`adminPassword`, `sshPrivateKey`), in any case, with
 *   separators, Unicode compatibility forms (NFKC), look-alike letters (Cyrillic and Greek) and
 *   digit/symbol spellings (`passw0rd`, `p@ssword`) folded first. A key ending in `Ref`, `Refs`,
 *   `Name`, `Names`, `Namespace` or `Selector` names where a secret lives and is allowed
 *   (`passwordSecretRef`, `tokenSecretName`);
 * - credential-shaped text: a URL with user info (`https://user:pw@host`, `http://user@host`), a PEM
 *   block (`-----BEGIN ...-----`), clouds.yaml text (`clouds:` with `auth`) and kubeconfig text
 *   (`kind: Config` with clusters/users/contexts, or `client-key-data`, `client-certificate-data`).
 *
 * The error says where the value belongs: in a Secret, referenced by name.
 */
import { show } from './errors';

const SECRET_WORDS = ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'clientsecret', 'kubeconfig', 'credential'];
const REFERENCE_SUFFIXES = ['ref', 'refs', 'name', 'names', 'namespace', 'selector'];

/** Look-alike letters (Unicode confusables of Latin letters that NFKC keeps) and digit/symbol spellings. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', һ: 'h',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Latin extras NFKC keeps
  ı: 'i', ȷ: 'j', ɑ: 'a', ɡ: 'g', ɩ: 'i', ʂ: 's',
  // digits and symbols
  0: 'o', 1: 'l', 3: 'e', 4: 'a', 5: 's', 7: 't', '@': 'a', $: 's',
};

/** The key as compared: NFKC, lower case, confusables folded, everything but a-z removed. */
export function foldKey(key: string): string {
  let out = '';
  for (const ch of key.normalize('NFKC').toLowerCase()) {
    const c = CONFUSABLES[ch] ?? ch;
    if (c >= 'a' && c <= 'z') out += c;
  }
  return out;
}

const SECRET_HINT = 'put the value in a Secret and reference the Secret by name (for example through the provider\'s identityRef or a *SecretRef field)';

/** Why a key of a free-form map looks like a credential, or undefined. */
export function credentialKeyProblem(key: string): string | undefined {
  const f = foldKey(key);
  if (f.length < 5) return undefined; // shorter than every secret word
  const word = SECRET_WORDS.find((w) => f.includes(w));
  if (word === undefined) return undefined;
  if (REFERENCE_SUFFIXES.some((s) => f.endsWith(s))) return undefined;
  return `${show(key.length > 80 ? `${key.slice(0, 80)}…` : key)} looks like a credential (${word}): never inline credentials in a manifest; ${SECRET_HINT}`;
}

const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]*@|\bhttps?:\/\/[^\s/@]+@/i;
const PEM = /-----BEGIN [A-Z0-9 ]{0,40}-----/;
const CLOUDS_YAML = /(^|\n)[ \t]*["']?clouds["']?[ \t]*:/;
const CLOUDS_AUTH = /\bauth(_url|_type)?["']?[ \t]*:/;
const KUBECONFIG_KIND = /(^|\n)[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?Config\b/;
const KUBECONFIG_SECTIONS = /(^|\n)[ \t]*["']?(clusters|users|contexts)["']?[ \t]*:/;
const KUBECONFIG_DATA = /client-(key|certificate)-data/;

/** Why a string looks like a credential (URL with user info, PEM block, clouds.yaml, kubeconfig), or undefined. */
export function credentialTextProblem(s: string): string | undefined {
  if (s.includes('@') && URL_USERINFO.test(s)) return `is a URL with user info (user name or password before "@"): never inline credentials in a manifest; ${SECRET_HINT}`;
  if (s.includes('-----BEGIN') && PEM.test(s)) return `holds a PEM block (a key or certificate): never inline keys in a manifest; ${SECRET_HINT}`;
  if (s.length < 10 || !s.includes(':')) return undefined;
  if (CLOUDS_YAML.test(s) && CLOUDS_AUTH.test(s)) return `looks like clouds.yaml (OpenStack credentials): put clouds.yaml in a Secret (key "clouds.yaml") and reference it by name with cloudName naming the entry`;
  if (KUBECONFIG_DATA.test(s) || (KUBECONFIG_KIND.test(s) && KUBECONFIG_SECTIONS.test(s))) return `looks like a kubeconfig: never inline credentials in a manifest; ${SECRET_HINT}`;
  return undefined;
}
