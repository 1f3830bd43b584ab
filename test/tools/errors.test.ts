import { GraphRequestError, graphScope, retryAfterSeconds } from '../../src/entra/graph.js';
import { explainMsalError } from '../../src/entra/aadsts.js';
import { OboError, oboErrorFrom } from '../../src/entra/obo.js';
import { ToolAuthError } from '../../src/mcp/tool-context.js';
import { ConsentRequiredError, GraphFailureError, NotSignedInError, toToolError } from '../../src/tools/errors.js';

const CTX = { appId: '11111111-1111-4111-8111-111111111111', api: 'Microsoft Graph', permission: 'User.Read' };

describe('tool error mapping', () => {
  test('MSAL failures are classified by AADSTS number and suberror', () => {
    expect(oboErrorFrom({ errorCode: 'invalid_grant', subError: 'consent_required', errorNo: '65001' })).toMatchObject({
      kind: 'consent_required',
      aadsts: '65001',
    });
    expect(oboErrorFrom({ errorMessage: 'AADSTS65001: The user or administrator has not consented' })).toMatchObject({ kind: 'consent_required' });
    expect(oboErrorFrom({ errorNo: '50076' })).toMatchObject({ kind: 'interaction_required', aadsts: '50076' });
    expect(oboErrorFrom({ errorNo: '500133' })).toMatchObject({ kind: 'session_expired' });
    expect(oboErrorFrom({ errorNo: '7000215' })).toMatchObject({ kind: 'refused', aadsts: '7000215' });
    expect(oboErrorFrom(new TypeError('fetch failed'))).toMatchObject({ kind: 'unavailable', aadsts: undefined });
  });

  test("MSAL's errorNo is a number (Entra's error_codes[0]) and is read as one, without the message", () => {
    expect(oboErrorFrom({ errorNo: 50076, errorMessage: 'no code in this text', claims: '{"access_token":{}}' })).toMatchObject({
      kind: 'interaction_required',
      aadsts: '50076',
      claims: '{"access_token":{}}',
    });
    expect(oboErrorFrom({ errorNo: 53003, errorMessage: '' })).toMatchObject({ kind: 'blocked', aadsts: '53003' });
    expect(oboErrorFrom({ errorNo: 700082 })).toMatchObject({ kind: 'session_expired', aadsts: '700082' });
    expect(explainMsalError({ errorNo: 50105, errorMessage: 'nothing' }, 'http://localhost/callback')).toMatchObject({ code: '50105', error: 'access_denied' });
  });

  test('consent missing tells what to grant and where, naming the app', () => {
    const err = toToolError(new OboError('consent_required', '65001', 'x'), CTX);
    expect(err).toBeInstanceOf(ConsentRequiredError);
    expect(err!.code).toBe('consent_required');
    for (const part of ['AADSTS65001', 'User.Read', 'Microsoft Graph', 'API permissions', 'Grant admin consent', CTX.appId])
      expect(err!.message).toContain(part);
    expect(err!.details()).toEqual({ aadsts: '65001', appId: CTX.appId, api: 'Microsoft Graph', permission: 'User.Read' });
  });

  test("Graph errors are reported with Graph's error code, and throttling says when to retry", () => {
    const cases: [GraphRequestError, string[]][] = [
      [new GraphRequestError(401, 'InvalidAuthenticationToken', 'm'), ['HTTP 401', 'InvalidAuthenticationToken']],
      [new GraphRequestError(403, 'Authorization_RequestDenied', 'm'), ['HTTP 403', 'Authorization_RequestDenied', 'denied']],
      [new GraphRequestError(429, 'TooManyRequests', 'm', 120), ['HTTP 429', 'TooManyRequests', 'Try again in 120 seconds']],
      [new GraphRequestError(503, 'serviceNotAvailable', 'm', 7), ['HTTP 503', 'serviceNotAvailable', 'Try again in 7 seconds']],
      [new GraphRequestError(0, 'network_error', 'Microsoft Graph could not be reached.'), ['could not be reached', 'network_error']],
    ];
    for (const [input, parts] of cases) {
      const err = toToolError(input, CTX) as GraphFailureError;
      expect(err).toBeInstanceOf(GraphFailureError);
      for (const part of parts) expect(err.message).toContain(part);
      expect(err.details()).toMatchObject({ status: input.status, graphCode: input.code });
    }
  });

  test('session problems are "not signed in"; anything unknown is left to the caller', () => {
    expect(toToolError(new ToolAuthError('The MCP session has expired'), CTX)).toBeInstanceOf(NotSignedInError);
    expect(toToolError(new Error('boom'), CTX)).toBeUndefined();
  });

  test('Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('17')).toBe(17);
    expect(retryAfterSeconds(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(30);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });

  test('the Graph scope is the application-id form, the same in every cloud and locally', () => {
    expect(graphScope('User.Read')).toBe('00000003-0000-0000-c000-000000000000/User.Read');
  });
});
