import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { findApp } from './apps.js';
import type { ClientAuthLevel } from './claims.js';
import { tokenEndpointV1, tokenEndpointV2, type EmulatorContext } from './context.js';
import { certificateThumbprints, TOKEN_EXCHANGE_APP_ID, type AppRegistration } from './directory.js';
import { EntraError } from './errors.js';
import { basicCredentials } from './http.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AuthenticatedClient {
  app: AppRegistration;
  /** '0' when no credential was presented; the grant decides whether that is allowed. */
  level: ClientAuthLevel;
}

const CLOCK_SKEW = 300;

/**
 * Client authentication at the token endpoint: `client_secret` (post or basic), or `client_assertion`
 * signed with a registered certificate, or issued by a federated credential's issuer (here: this
 * emulator's own tenant, which is what the managed identity's assertions are).
 */
export async function authenticateClient(ctx: EmulatorContext, req: IncomingMessage, form: URLSearchParams): Promise<AuthenticatedClient> {
  const basic = basicCredentials(req);
  const assertion = form.get('client_assertion');
  let clientId = form.get('client_id') ?? basic?.clientId;
  if (!clientId && assertion) clientId = safeDecode(assertion)?.sub;
  if (!clientId) throw new EntraError('missingParameter', { parameter: 'client_id' });
  const app = findApp(ctx.directory, clientId);
  if (!app) throw new EntraError('appNotFound', { appId: clientId, tenantName: ctx.directory.tenantName });

  const secret = form.get('client_secret') ?? basic?.secret;
  if (secret !== undefined) {
    if (!(app.secrets ?? []).some((s) => safeEqual(s, secret))) throw new EntraError('invalidSecret', { appId: app.appId });
    return { app, level: '1' };
  }
  if (assertion) {
    if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION) throw new EntraError('missingParameter', { parameter: 'client_assertion_type' });
    const claims = safeDecode(assertion);
    if (!claims) throw new EntraError('assertionInvalid');
    if (claims.iss === app.appId && claims.sub === app.appId) await verifyCertificateAssertion(ctx, app, assertion);
    else await verifyFederatedAssertion(ctx, app, assertion, claims);
    return { app, level: '2' };
  }
  return { app, level: '0' };
}

function safeDecode(jwt: string): JWTPayload | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function verifyCertificateAssertion(ctx: EmulatorContext, app: AppRegistration, assertion: string): Promise<void> {
  const header = decodeProtectedHeader(assertion);
  const cert = (app.certificates ?? [])
    .map((c) => certificateThumbprints(c.certificatePem))
    .find((t) => t.x5t === header.x5t || t.x5tS256 === header['x5t#S256']);
  if (!cert) throw new EntraError('assertionSignature');
  // Entra accepts the tenant's token endpoints (v1 and v2) and its v2 issuer as the assertion audience.
  const audience = [tokenEndpointV2(ctx), tokenEndpointV1(ctx), ctx.tokens.issuerV2];
  await verifyOrThrow(ctx, assertion, (o) => jwtVerify(assertion, cert.cert.publicKey, o), { audience, issuer: app.appId, subject: app.appId });
}

async function verifyFederatedAssertion(ctx: EmulatorContext, app: AppRegistration, assertion: string, claims: JWTPayload): Promise<void> {
  const issuer = claims.iss ?? '';
  const byIssuer = (app.federatedCredentials ?? []).filter((f) => f.issuer === issuer);
  if (byIssuer.length === 0) throw new EntraError('assertionIssuer', { issuer });
  const bySubject = byIssuer.filter((f) => f.subject === claims.sub);
  if (bySubject.length === 0) throw new EntraError('assertionSubject', { subject: claims.sub ?? '' });
  const audiences = [claims.aud ?? []].flat();
  // Tokens for api://AzureADTokenExchange may carry the exchange app's id instead of its URI.
  const match = bySubject.find((f) =>
    audiences.some((a) => f.audiences.includes(a) || (a === TOKEN_EXCHANGE_APP_ID && f.audiences.some((x) => x.startsWith('api://AzureADTokenExchange')))),
  );
  if (!match) throw new EntraError('assertionAudience', { audience: audiences.join(',') });
  if (issuer !== ctx.tokens.issuerV2 && issuer !== ctx.tokens.issuerV1) {
    // Only this tenant's own keys are available offline; any other issuer cannot be verified here.
    throw new EntraError('assertionIssuer', { issuer });
  }
  const jwks = createLocalJWKSet(ctx.tokens.keys.jwks());
  await verifyOrThrow(ctx, assertion, (o) => jwtVerify(assertion, jwks, o), { issuer, subject: match.subject });
}

async function verifyOrThrow(
  ctx: EmulatorContext,
  jwt: string,
  verify: (options: JWTVerifyOptions) => Promise<unknown>,
  expected: { audience?: string[]; issuer: string; subject: string },
): Promise<void> {
  try {
    await verify({
      algorithms: ['RS256', 'PS256'],
      clockTolerance: CLOCK_SKEW,
      currentDate: new Date(ctx.tokens.now() * 1000),
      ...expected,
    });
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new EntraError('assertionExpired');
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'aud') {
      throw new EntraError('assertionTokenEndpoint', { audience: String(safeDecode(jwt)?.aud ?? '') });
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed || e instanceof joseErrors.JWKSNoMatchingKey) throw new EntraError('assertionSignature');
    throw new EntraError('assertionInvalid');
  }
}
