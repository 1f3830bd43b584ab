// Attack: a client sends its own copy of the gateway's session header, spelled so that an exact-prefix
// strip misses it while the tool (which matches names ignoring case, '-' and '_') still sees it.
import { upstreamRequestHeaders } from '../../src/mcp/headers.js';
import { SESSION_HEADER } from '../../src/mcp/session-header.js';
import { sessionHeaderFrom } from '../../src/mcp/tool-context.js';

describe('attack: forged gateway headers in another spelling', () => {
  test.each(['x_mcp_gateway_session', 'X-MCP_Gateway-Session', 'xmcpgatewaysession', 'x-mcp-gateway_session', 'X_Mcp_Gateway_Other'])(
    '"%s" from the client never reaches the tool; the tool sees only the gateway\'s header',
    (forged) => {
      const incoming = new Headers({ [forged]: 'forged-session', accept: 'application/json' });
      const out = upstreamRequestHeaders(incoming, { [SESSION_HEADER]: 'sealed-by-gateway' });
      expect(out).toEqual({ accept: 'application/json', [SESSION_HEADER]: 'sealed-by-gateway' });
      // What the extension hands the tool: the forwarded headers, as an object.
      const toolArgument = { transport: { properties: { headers: out } } };
      expect(sessionHeaderFrom(toolArgument)).toBe('sealed-by-gateway');
    },
  );
});
