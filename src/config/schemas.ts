import * as z from 'zod';

/** The value types settings are made of; each refusal message says what a valid value looks like. */

export const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

export const url = z
  .string()
  .url('must be an absolute URL')
  .transform((s) => s.replace(/\/+$/, ''));

export const bool = z.enum(['true', 'false'], { message: 'must be "true" or "false"' }).transform((s) => s === 'true');

export const seconds = (min: number, max: number) => z.coerce.number().int('must be a whole number of seconds').min(min).max(max);

export const count = (min: number, max: number) => z.coerce.number().int('must be a whole number').min(min).max(max);

export const list = z.string().transform((s) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** Comma-separated web origins (`https://app.example`, no path); each is kept as its serialised origin. */
export const origins = list.transform((items, ctx) => {
  const out: string[] = [];
  for (const item of items) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(item);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== item.replace(/\/$/, '').toLowerCase()) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin (scheme://host[:port], no path)` });
      return z.NEVER;
    }
    out.push(parsed.origin);
  }
  return out;
});

/** `kid:base64url-of-32-bytes`, comma-separated; the first key encrypts, all keys decrypt. */
export const keyRing = z.string().transform((raw, ctx) => {
  const keys: { kid: string; key: Uint8Array }[] = [];
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [kid, material, extra] = entry.split(':');
    const key = material ? Buffer.from(material, 'base64url') : Buffer.alloc(0);
    if (!kid || !/^[A-Za-z0-9._-]{1,64}$/.test(kid) || extra !== undefined || key.length !== 32) {
      ctx.addIssue({
        code: 'custom',
        message: 'each key must be "kid:<32 random bytes, base64url>"',
      });
      return z.NEVER;
    }
    keys.push({ kid, key: new Uint8Array(key) });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one key' });
    return z.NEVER;
  }
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    ctx.addIssue({ code: 'custom', message: 'key ids (kid) must be unique' });
    return z.NEVER;
  }
  return keys;
});

export const secretBytes = z.string().transform((raw, ctx) => {
  const bytes = Buffer.from(raw, 'base64url');
  if (bytes.length < 32) {
    ctx.addIssue({ code: 'custom', message: 'must be at least 32 random bytes, base64url-encoded' });
    return z.NEVER;
  }
  return new Uint8Array(bytes);
});

export const groupPermissions = z.string().transform((raw, ctx) => {
  try {
    return z.record(guid, z.array(z.string().min(1))).parse(JSON.parse(raw));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object mapping group ids to permission lists' });
    return z.NEVER;
  }
});

export const generateKeyHint = "generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"";
