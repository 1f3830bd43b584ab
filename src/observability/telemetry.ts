/**
 * OpenTelemetry, loaded only when configured, so an unconfigured app (the local stack, tests) imports
 * nothing but `@opentelemetry/api`, whose calls are no-ops until a provider is registered:
 * - APPLICATIONINSIGHTS_CONNECTION_STRING (set by the Bicep): the Azure Monitor distro exports traces,
 *   metrics and logs to Application Insights (with APPLICATIONINSIGHTS_AUTHENTICATION_STRING, through the
 *   managed identity, which the distro reads itself);
 * - TELEMETRY_CONSOLE=true: spans printed to the console (the local stack shows the same story).
 */
export type TelemetryMode = 'azure-monitor' | 'console' | 'off';

/** How modules are loaded (a test passes a recording one to see that nothing is). */
export type Importer = (specifier: string) => Promise<unknown>;

/** Literal specifiers, so `npm run package` bundles each as a chunk of its own, loaded only here. */
const MODULES: Record<string, () => Promise<unknown>> = {
  '@azure/monitor-opentelemetry': () => import('@azure/monitor-opentelemetry'),
  '@opentelemetry/api': () => import('@opentelemetry/api'),
  '@opentelemetry/sdk-trace-base': () => import('@opentelemetry/sdk-trace-base'),
};
const defaultImporter: Importer = (specifier) => MODULES[specifier]!();

export function telemetryMode(env: NodeJS.ProcessEnv): TelemetryMode {
  if (env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim()) return 'azure-monitor';
  if (env.TELEMETRY_CONSOLE?.trim().toLowerCase() === 'true') return 'console';
  return 'off';
}

/** Starts the exporter the settings ask for; never throws (telemetry must not stop the gateway). */
export async function startTelemetry(env: NodeJS.ProcessEnv = process.env, load: Importer = defaultImporter): Promise<TelemetryMode> {
  const mode = telemetryMode(env);
  try {
    if (mode === 'azure-monitor') {
      const monitor = (await load('@azure/monitor-opentelemetry')) as typeof import('@azure/monitor-opentelemetry');
      monitor.useAzureMonitor();
    } else if (mode === 'console') {
      const api = (await load('@opentelemetry/api')) as typeof import('@opentelemetry/api');
      const sdk = (await load('@opentelemetry/sdk-trace-base')) as typeof import('@opentelemetry/sdk-trace-base');
      const provider = new sdk.BasicTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter())] });
      api.trace.setGlobalTracerProvider(provider);
    }
  } catch (err) {
    console.error(`Telemetry (${mode}) could not start: ${(err as Error).message}. The gateway runs without it.`);
    return 'off';
  }
  return mode;
}
