/**
 * Object names: DNS-1123 checks with apimachinery's messages, and `generateName` suffixes from
 * the same alphabet as `utilrand.String` (no vowels, no 0/1/3, so no words and no look-alikes).
 */
import { invalidCause, requiredCause } from './field-errors.ts';
import type { StatusCause } from './status-error.ts';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`);
const SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN}$`);

export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1123_LABEL_MAX_LENGTH = 63;

/** Undefined when `name` is a DNS-1123 subdomain (most object names), else kube's message. */
export function validateDnsSubdomainName(name: string): string | undefined {
  const problems: string[] = [];
  if (name.length > DNS1123_SUBDOMAIN_MAX_LENGTH) problems.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`);
  if (!SUBDOMAIN_RE.test(name)) {
    problems.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
        `(e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`,
    );
  }
  return problems.length > 0 ? problems.join(', ') : undefined;
}

/** Undefined when `name` is a DNS-1123 label (namespace names, CRD plurals), else kube's message. */
export function validateDnsLabelName(name: string): string | undefined {
  const problems: string[] = [];
  if (name.length > DNS1123_LABEL_MAX_LENGTH) problems.push(`must be no more than ${DNS1123_LABEL_MAX_LENGTH} characters`);
  if (!LABEL_RE.test(name)) {
    problems.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character " +
        `(e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`,
    );
  }
  return problems.length > 0 ? problems.join(', ') : undefined;
}

/**
 * The `metadata.name` causes for a create (empty when fine): required unless generated, and a
 * DNS-1123 subdomain (or label, for namespaces).
 */
export function objectNameCauses(name: unknown, opts?: { dnsLabel?: boolean; generateName?: unknown }): StatusCause[] {
  if (typeof name !== 'string' || name === '') {
    if (typeof opts?.generateName === 'string' && opts.generateName !== '') return [];
    return [requiredCause('metadata.name', 'name or generateName is required')];
  }
  const problem = opts?.dnsLabel ? validateDnsLabelName(name) : validateDnsSubdomainName(name);
  return problem === undefined ? [] : [invalidCause('metadata.name', name, problem)];
}

/** `utilrand`'s alphabet. */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
const MAX_GENERATED_NAME_LENGTH = DNS1123_LABEL_MAX_LENGTH - SUFFIX_LENGTH;

/** Five characters from kube's alphabet; `random` returns numbers in [0, 1) like Math.random. */
export function generateNameSuffix(random: () => number): string {
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) {
    const index = Math.min(NAME_SUFFIX_ALPHABET.length - 1, Math.max(0, Math.floor(random() * NAME_SUFFIX_ALPHABET.length)));
    suffix += NAME_SUFFIX_ALPHABET[index];
  }
  return suffix;
}

/** `SimpleNameGenerator.GenerateName`: the prefix cut to 58 characters, then the suffix. */
export function generateName(base: string, random: () => number): string {
  return `${base.slice(0, MAX_GENERATED_NAME_LENGTH)}${generateNameSuffix(random)}`;
}
