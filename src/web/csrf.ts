import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Double-submit CSRF tokens for the consent form: the same random value in a `__Host-` cookie (which
 * another site can neither read nor set) and in a hidden form field (which another site cannot read).
 * The form's signed ticket also carries the token's binding, so one token serves one consent form.
 */
export const CSRF_FIELD = 'csrf_token';

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** True only when both values are present and equal (constant time). */
export function csrfTokensMatch(fromCookie: string | undefined, fromForm: string | undefined): boolean {
  if (!fromCookie || !fromForm) return false;
  const a = Buffer.from(fromCookie, 'utf8');
  const b = Buffer.from(fromForm, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
