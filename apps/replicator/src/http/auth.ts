/**
 * Authentication of the board and the replay API: HTTP basic auth (BOARD_USERNAME and its
 * password) and/or a bearer token (BOARD_TOKEN_FILE). Comparisons are constant-time: both sides
 * are hashed to equal-length digests first, so neither the content nor the length of a secret
 * leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BoardCredentials } from '../config.ts';

export const AuthScheme = { basic: 'basic', bearer: 'bearer' } as const;
export type AuthScheme = (typeof AuthScheme)[keyof typeof AuthScheme];

export type AuthResult = { readonly ok: true; readonly scheme: AuthScheme } | { readonly ok: false };

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time string equality. */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** `WWW-Authenticate` for a 401: lets browsers prompt for basic credentials. */
export function challengeFor(credentials: BoardCredentials): string {
  return credentials.basic !== undefined ? 'Basic realm="amko-fed replicator", charset="UTF-8"' : 'Bearer realm="amko-fed replicator"';
}

/** Checks an `Authorization` header value against the configured credentials. */
export function authenticate(header: string | undefined, credentials: BoardCredentials): AuthResult {
  if (header === undefined) return { ok: false };
  const space = header.indexOf(' ');
  if (space <= 0) return { ok: false };
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && credentials.bearerToken !== undefined) {
    return safeEqual(value, credentials.bearerToken) ? { ok: true, scheme: AuthScheme.bearer } : { ok: false };
  }
  if (scheme === 'basic' && credentials.basic !== undefined) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false };
    // Both halves are always compared, so a wrong user name takes as long as a wrong password.
    const userOk = safeEqual(decoded.slice(0, colon), credentials.basic.username);
    const passwordOk = safeEqual(decoded.slice(colon + 1), credentials.basic.password);
    return userOk && passwordOk ? { ok: true, scheme: AuthScheme.basic } : { ok: false };
  }
  return { ok: false };
}
