import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { audit } from '../../src/observability/audit.js';
import { runInInvocation } from '../../src/observability/scope.js';
import { inInvocationSpan } from '../../src/observability/spans.js';
import { startTelemetry, type Importer } from '../../src/observability/telemetry.js';

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});

function recording(): { load: Importer; loaded: string[] } {
  const loaded: string[] = [];
  return { loaded, load: (specifier) => (loaded.push(specifier), import(specifier)) };
}

describe('startTelemetry', () => {
  test('loads nothing when unconfigured (the cold start stays light)', async () => {
    const { load, loaded } = recording();
    expect(await startTelemetry({}, load)).toBe('off');
    expect(await startTelemetry({ TELEMETRY_CONSOLE: 'false', APPLICATIONINSIGHTS_CONNECTION_STRING: ' ' }, load)).toBe('off');
    expect(loaded).toEqual([]);
  });

  test('the console exporter when asked, without the Azure Monitor distro', async () => {
    const { load, loaded } = recording();
    expect(await startTelemetry({ TELEMETRY_CONSOLE: 'true' }, load)).toBe('console');
    expect(loaded).toEqual(['@opentelemetry/api', '@opentelemetry/sdk-trace-base']);
  });

  test('the Azure Monitor distro with a connection string; a failure to load leaves the gateway running', async () => {
    const loaded: string[] = [];
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => void errors.push(message);
    try {
      const failing: Importer = async (specifier) => {
        loaded.push(specifier);
        throw new Error('not installed');
      };
      expect(await startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000' }, failing)).toBe('off');
    } finally {
      console.error = original;
    }
    expect(loaded).toEqual(['@azure/monitor-opentelemetry']);
    expect(errors).toEqual(['Telemetry (azure-monitor) could not start: not installed. The gateway runs without it.']);
  });
});

describe('invocation spans', () => {
  test('one span per invocation with its id, outcome and the audit records as events', async () => {
    exporter.reset();
    await inInvocationSpan('token', 'inv-9', (span) =>
      runInInvocation({ invocationId: 'inv-9', span, info: () => {}, warn: () => {} }, async () => {
        audit('refresh.reuse_detected', { userId: 'u1', clientId: 'c1', grantId: 'g1' });
        return { status: 400 };
      }),
    );
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('gateway token');
    expect(span!.attributes).toMatchObject({
      'faas.invocation_id': 'inv-9',
      'gateway.outcome': 'refused',
      'http.response.status_code': 400,
      'gateway.client_id': 'c1',
      'enduser.id': 'u1',
    });
    expect(span!.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'audit refresh.reuse_detected',
        { 'gateway.audit.event': 'refresh.reuse_detected', 'gateway.audit.userId': 'u1', 'gateway.audit.clientId': 'c1', 'gateway.audit.grantId': 'g1' },
      ],
    ]);
  });

  test('a thrown error ends the span as an error, naming only the error type', async () => {
    exporter.reset();
    await expect(
      inInvocationSpan('mcp', 'inv-10', async () => {
        throw new TypeError('secret-looking detail');
      }),
    ).rejects.toThrow(TypeError);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: 2, message: 'TypeError' });
    expect(JSON.stringify(span!.attributes)).not.toContain('secret-looking');
  });
});
