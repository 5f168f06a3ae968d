/**
 * What every key and string the library emits must be, whatever field it sits in (labels, annotations,
 * free-form values, props): no JavaScript object machinery, YAML merge key or Pulumi secret signature as
 * a key, no unpaired UTF-16 surrogate, no credential-shaped text. The field checks (validation.ts), the
 * free-form values (free-form.ts) and strict props (strict-props.ts) all apply these rules.
 */
import { credentialFormatProblem } from './credentials';
import { show } from './errors';

const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Pulumi's secret signature key: an object holding it is read by the Pulumi SDK as a secret value, which
 * would make the whole resource spec secret (and differ from what cdk8s emits).
 */
export const PULUMI_SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';

/** Why `key` cannot be a key of any map the library emits (labels, annotations, free-form fields), or undefined. */
export function reservedKeyProblem(key: string): string | undefined {
  if (RESERVED_KEYS.has(key)) return `${show(key)} cannot be a key: it is JavaScript object machinery, which cdk8s cannot render and no Kubernetes API field is named`;
  if (key === '<<') return '"<<" cannot be a key: the Kubernetes YAML reader treats it as a merge key';
  if (key === PULUMI_SECRET_SIGNATURE_KEY) return `${show(key)} cannot be a key: it is Pulumi's secret signature, which would turn the whole resource into a Pulumi secret`;
  return undefined;
}

/** An unpaired UTF-16 surrogate: Kubernetes (UTF-8) cannot store it; Go replaces it with U+FFFD. */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** The error message for a string with an unpaired surrogate. */
export function loneSurrogateProblem(s: string): string {
  return `${show(s)} contains an unpaired UTF-16 surrogate, which no YAML or JSON text Kubernetes reads can carry (it would become U+FFFD)`;
}

/** Why a string cannot be emitted (lone surrogate, credential), or undefined. */
export function stringProblem(s: string): string | undefined {
  if (hasLoneSurrogate(s)) return loneSurrogateProblem(s);
  return credentialFormatProblem(s);
}
