import * as z from 'zod';
import { readFormBody } from '../http/body.js';
import { NO_STORE, oauthErrorResponse } from '../http/respond.js';
import type { HttpInput, HttpOutput } from '../http/types.js';
import { InvalidRequestError } from './errors.js';
import type { ClientLookup } from './flow/authorize-request.js';
import { authenticateClient, ClientAuthenticationError } from './flow/client-auth.js';
import type { GrantService } from './grants.js';

/** RFC 7009 §2.1. The hint is only an optimisation; the grant service recognises both token kinds. */
const RevocationRequestSchema = z.object({
  token: z.string().min(1, 'token is required'),
  token_type_hint: z.string().optional(),
});

export interface RevokeEndpointDeps {
  clients: ClientLookup;
  grants: Pick<GrantService, 'revoke'>;
}

/**
 * POST /revoke (RFC 7009). Authenticates the client like /token, then revokes the grant behind an
 * access or refresh token of that client: every token of the session stops working. An unknown,
 * malformed or another client's token is answered 200 all the same (§2.2), so the endpoint tells a
 * caller nothing about tokens it does not hold.
 */
export async function handleRevoke(request: HttpInput, deps: RevokeEndpointDeps): Promise<HttpOutput> {
  const form = await readFormBody(request);
  const parsed = RevocationRequestSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw new InvalidRequestError(parsed.error.issues.map((issue) => issue.message).join('; '));
  let clientId: string;
  try {
    clientId = (await authenticateClient(request.headers.get('authorization'), form, deps.clients)).clientId;
  } catch (err) {
    if (err instanceof ClientAuthenticationError && err.basic) {
      return oauthErrorResponse(err, { 'WWW-Authenticate': 'Basic realm="revoke", charset="UTF-8"' });
    }
    throw err;
  }
  await deps.grants.revoke(parsed.data.token, { clientId });
  return { status: 200, headers: { ...NO_STORE } };
}
