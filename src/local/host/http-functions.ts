import type { AuthLevel } from './keys.js';
import type { RegisteredFunction } from './functions-core.cjs';
import { compareRoutes, matchRoute, parseRouteTemplate, type RouteParams, type RouteTemplate } from './routes.js';

/** An `app.http` registration, ready to route. */
export interface HttpFunction {
  fn: RegisteredFunction;
  name: string;
  triggerName: string;
  route: RouteTemplate;
  methods: string[];
  authLevel: AuthLevel;
}

export interface HttpMatch {
  target: HttpFunction;
  params: RouteParams;
}

/** The app's HTTP triggers, in the order ASP.NET routing would try them. */
export function httpFunctionsOf(functions: RegisteredFunction[], routePrefix: string): HttpFunction[] {
  const result: HttpFunction[] = [];
  for (const fn of functions) {
    const trigger = Object.entries(fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === 'httptrigger');
    if (!trigger) continue;
    const [triggerName, binding] = trigger;
    const route = typeof binding.route === 'string' && binding.route !== '' ? binding.route : fn.metadata.name;
    const methods = Array.isArray(binding.methods) ? binding.methods.map((m) => String(m).toUpperCase()) : ['GET', 'POST'];
    result.push({
      fn,
      name: fn.metadata.name,
      triggerName,
      route: parseRouteTemplate(routePrefix ? `${routePrefix}/${route}` : route),
      methods,
      authLevel: toAuthLevel(binding.authLevel),
    });
  }
  // A stable sort keeps registration order between routes of equal precedence.
  return result.sort((a, b) => compareRoutes(a.route, b.route));
}

/**
 * Finds the function for a path and method. A route whose path matches but whose methods do not is
 * skipped, so the request ends in 404, not 405: the host's router treats the method as one more route
 * constraint and answers 404 when nothing matches.
 */
export function findHttpFunction(functions: HttpFunction[], path: string[], method: string): HttpMatch | undefined {
  for (const target of functions) {
    if (!target.methods.includes(method.toUpperCase())) continue;
    const params = matchRoute(target.route, path);
    if (params) return { target, params };
  }
  return undefined;
}

/**
 * Splits a request path into decoded segments as Kestrel hands them to routing: percent-decoded
 * (an encoded `/` stays inside its segment), dot segments resolved, one trailing slash ignored.
 */
export function pathSegments(pathname: string): string[] {
  const raw = pathname.replace(/^\//, '').split('/');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const segments: string[] = [];
  for (const piece of raw) {
    const segment = safeDecode(piece);
    if (segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments;
}

function safeDecode(piece: string): string {
  try {
    return decodeURIComponent(piece);
  } catch {
    return piece;
  }
}

function toAuthLevel(value: unknown): AuthLevel {
  const level = typeof value === 'string' ? value.toLowerCase() : 'function';
  if (level === 'anonymous' || level === 'function' || level === 'admin') return level;
  throw new Error(`Unsupported HTTP auth level '${String(value)}'`);
}
