import { explainCallbackError } from '../../src/entra/aadsts.js';

const CALLBACK = 'https://gw.example/callback';

describe('AADSTS explanations for consent, scope and assignment refusals', () => {
  test.each([
    ['access_denied', 'AADSTS65004: User declined to consent to access the app.', 'access_denied', 'Grant admin consent'],
    [
      'access_denied',
      "AADSTS50105: Your administrator has configured the application … ('x') to block users unless they are specifically granted ('assigned') access",
      'access_denied',
      'Users and groups',
    ],
    ['invalid_client', "AADSTS650053: The application 'x' asked for scope 'nope' that doesn't exist on the resource 'y'.", 'server_error', 'ENTRA_API_SCOPE'],
    ['interaction_required', 'AADSTS50076: you must use multi-factor authentication', 'access_denied', 'MFA'],
  ])('Entra %s with %s → %s, the fix names %s', (error, description, clientError, fix) => {
    const explained = explainCallbackError(error, `${description}\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2026-01-01 00:00:00Z`, CALLBACK);
    expect(explained.error).toBe(clientError);
    expect(explained.fix).toContain(fix);
    // Entra's own text and trace ids never reach the client.
    expect(explained.description).not.toContain('Trace ID');
    expect(explained.description).not.toContain('AADSTS');
  });
});
