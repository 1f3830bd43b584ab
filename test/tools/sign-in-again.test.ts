import { OboError } from '../../src/entra/obo.js';
import { requireSignInAgain, type SignInAgainDeps } from '../../src/tools/sign-in-again.js';
import type { VerifiedToolUser } from '../../src/tools/tool-user.js';

const CLAIMS = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}';

/** Records what the step asked of the stores (the stores themselves are tested against Cosmos). */
function recording() {
  const puts: { oid: string; claims: string }[] = [];
  const revoked: string[] = [];
  const deps: SignInAgainDeps = {
    claimsChallenges: { put: async (user, claims) => void puts.push({ oid: user.oid, claims }) },
    grants: { revokeGrant: async (id) => void revoked.push(id) },
    now: () => 0,
  };
  return { deps, puts, revoked };
}

const user = (grantId?: string): VerifiedToolUser => ({
  oid: 'oid-1',
  tid: 'tid-1',
  roles: [],
  groups: [],
  permissions: [],
  clientId: 'c',
  scopes: ['mcp:tools'],
  ...(grantId ? { grantId } : {}),
  assertion: () => 'never-shown',
});

describe('requireSignInAgain: what the tool does when Entra wants a new sign-in', () => {
  test('MFA with a claims challenge: kept for this user, the grant ended, the message says what to do', async () => {
    const r = recording();
    const err = await requireSignInAgain(new OboError('interaction_required', '50076', 'x', CLAIMS), user('g1'), 'Microsoft Graph', r.deps, () => {});
    expect(r.puts).toEqual([{ oid: 'oid-1', claims: CLAIMS }]);
    expect(r.revoked).toEqual(['g1']);
    expect(err?.code).toBe('interaction_required');
    expect(err?.message).toContain('multi-factor authentication, AADSTS50076');
    expect(err?.message).toContain('call this tool again');
  });

  test('50079 names the registration; an expired session ends the grant but keeps no challenge', async () => {
    const r = recording();
    expect((await requireSignInAgain(new OboError('interaction_required', '50079', 'x', CLAIMS), user('g1'), 'Graph', r.deps, () => {}))?.message).toContain(
      'registering for multi-factor authentication',
    );
    const expired = await requireSignInAgain(new OboError('session_expired', '50173', 'x'), user('g2'), 'Graph', r.deps, () => {});
    expect(expired?.code).toBe('session_expired');
    expect(r.revoked).toEqual(['g1', 'g2']);
    expect(r.puts).toHaveLength(1);
  });

  test('a direct Entra token has no grant to end: the user is told to fetch a new token with the challenge', async () => {
    const r = recording();
    const err = await requireSignInAgain(new OboError('interaction_required', '50076', 'x', CLAIMS), user(), 'Graph', r.deps, () => {});
    expect(r.revoked).toEqual([]);
    expect(err?.message).toContain('Get a new token from Entra ID');
    expect(err?.message).not.toContain('never-shown');
  });

  test('other failures (blocked, consent, unavailable) are not its business', async () => {
    const r = recording();
    for (const kind of ['blocked', 'consent_required', 'unavailable', 'refused'] as const) {
      expect(await requireSignInAgain(new OboError(kind, '53003', 'x'), user('g'), 'Graph', r.deps, () => {})).toBeUndefined();
    }
    expect(await requireSignInAgain(new Error('other'), user('g'), 'Graph', r.deps, () => {})).toBeUndefined();
    expect(r.revoked).toEqual([]);
  });
});
