import { classifyRefreshToken } from '../../../src/oauth/tokens/refresh-rotation.js';
import type { GrantRecord, RefreshSlot, RetiredRefreshSlot } from '../../../src/store/grants.js';

const GRACE = 60_000;
const RETIRED_AT = 1_000_000;
const current: RefreshSlot = { hash: 'hash-current', wrappedKey: 'wrapped-current', issuedAt: RETIRED_AT };
const previous: RetiredRefreshSlot = { hash: 'hash-previous', retiredAt: RETIRED_AT, successor: 'sealed-successor' };
const grantWith = (refresh: GrantRecord['refresh']): GrantRecord => ({
  id: 'grant-1',
  user: { oid: 'oid-1', tid: 'tid-1', roles: [], groups: [] },
  clientId: 'client-1',
  scopes: ['mcp:tools'],
  resource: 'https://gw.example/mcp',
  createdAt: 0,
  lastUsedAt: 0,
  expiresAt: 1,
  revoked: false,
  entra: null,
  refresh,
});

describe('refresh rotation: which token was presented', () => {
  test('the newest token is current; the one it replaced is a retry until the grace window ends, then reuse', () => {
    const grant = grantWith({ current, previous });
    expect(classifyRefreshToken(grant, 'hash-current', RETIRED_AT + 10 * GRACE, GRACE)).toEqual({ kind: 'current', slot: current });
    expect(classifyRefreshToken(grant, 'hash-previous', RETIRED_AT, GRACE)).toEqual({ kind: 'retry', slot: previous });
    expect(classifyRefreshToken(grant, 'hash-previous', RETIRED_AT + GRACE, GRACE)).toEqual({ kind: 'retry', slot: previous });
    expect(classifyRefreshToken(grant, 'hash-previous', RETIRED_AT + GRACE + 1, GRACE)).toEqual({ kind: 'reuse' });
  });

  test('any other token of the grant is reuse', () => {
    expect(classifyRefreshToken(grantWith({ current, previous }), 'hash-older', RETIRED_AT, GRACE)).toEqual({ kind: 'reuse' });
    expect(classifyRefreshToken(grantWith({ current }), 'hash-previous', RETIRED_AT, GRACE)).toEqual({ kind: 'reuse' });
  });

  test('a retired token recorded without its successor (written before the grace window existed) is reuse', () => {
    const legacy = { hash: 'hash-previous', retiredAt: RETIRED_AT } as RetiredRefreshSlot;
    expect(classifyRefreshToken(grantWith({ current, previous: legacy }), 'hash-previous', RETIRED_AT, GRACE)).toEqual({ kind: 'reuse' });
  });

  test('a grant whose code was never redeemed has no refresh token: anything presented is reuse (and does not throw)', () => {
    expect(classifyRefreshToken(grantWith(null), 'hash-current', RETIRED_AT, GRACE)).toEqual({ kind: 'reuse' });
  });
});
