import { classifyRefreshToken, rotateRefreshSlots } from '../../../src/oauth/tokens/refresh-rotation.js';
import type { GrantRecord, RefreshSlot } from '../../../src/store/grants.js';

const slot = (hash: string): RefreshSlot => ({ hash, wrappedKey: `wrapped-${hash}`, issuedAt: 0 });
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
  const current = slot('hash-current');
  const previous = slot('hash-previous');

  test('the newest token is current, the one before it is previous, anything else of the grant is reuse', () => {
    const grant = grantWith({ current, previous });
    expect(classifyRefreshToken(grant, 'hash-current')).toEqual({ kind: 'current', slot: current });
    expect(classifyRefreshToken(grant, 'hash-previous')).toEqual({ kind: 'previous', slot: previous });
    expect(classifyRefreshToken(grant, 'hash-older')).toEqual({ kind: 'superseded' });
  });

  test('without a previous token, only the current one is live', () => {
    expect(classifyRefreshToken(grantWith({ current }), 'hash-previous')).toEqual({ kind: 'superseded' });
  });

  test('a grant whose code was never redeemed has no refresh token: anything presented is reuse (and does not throw)', () => {
    expect(classifyRefreshToken(grantWith(null), 'hash-current')).toEqual({ kind: 'superseded' });
  });
});

describe('refresh rotation: the slots after an exchange', () => {
  const current = slot('hash-current');
  const previous = slot('hash-previous');
  const next = slot('hash-next');

  test('using the current token makes it the previous one; the older previous is gone for good', () => {
    const grant = grantWith({ current, previous });
    expect(rotateRefreshSlots(grant, classifyRefreshToken(grant, 'hash-current') as { kind: 'current'; slot: RefreshSlot }, next)).toEqual({
      current: next,
      previous: current,
    });
  });

  test('a retry with the previous token keeps it as previous and replaces the never-used current one', () => {
    const grant = grantWith({ current, previous });
    expect(rotateRefreshSlots(grant, classifyRefreshToken(grant, 'hash-previous') as { kind: 'previous'; slot: RefreshSlot }, next)).toEqual({
      current: next,
      previous,
    });
  });
});
