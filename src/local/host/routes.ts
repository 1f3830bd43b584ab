import { parseConstraint, type Constraint } from './route-constraints.js';

/**
 * Route templates as ASP.NET (and so the Functions host) reads them: literal text matched
 * case-insensitively, `{name}`, `{name?}`, `{name:constraint(arg)}` (several constraints chain with `:`),
 * and a final `{*rest}` catch-all. A parameter may share a segment with literal text (`{file}.txt`).
 */
export interface RouteTemplate {
  template: string;
  segments: Segment[];
  /** Sort key: literal segments win over parameters, constrained over plain, plain over optional and catch-all. */
  precedence: number[];
}

interface Parameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  constraints: Constraint[];
}

type Part = { literal: string } | { parameter: Parameter };

interface Segment {
  parts: Part[];
  pattern: RegExp;
}

export type RouteParams = Record<string, string>;

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^[~]?\/+/, '').replace(/\/+$/, '');
  const segments = trimmed === '' ? [] : trimmed.split('/').map(parseSegment);
  segments.forEach((segment, i) => {
    const catchAll = segment.parts.some((p) => 'parameter' in p && p.parameter.catchAll);
    if (catchAll && (i !== segments.length - 1 || segment.parts.length !== 1)) {
      throw new Error(`Route '${template}': a catch-all parameter must be the whole last segment`);
    }
  });
  return { template, segments, precedence: segments.map(rank) };
}

/** Matches a decoded path (segments, without the route prefix); returns the parameters or undefined. */
export function matchRoute(route: RouteTemplate, path: string[]): RouteParams | undefined {
  const params: RouteParams = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    const only = segment.parts.length === 1 && 'parameter' in segment.parts[0]! ? segment.parts[0].parameter : undefined;
    if (only?.catchAll) return acceptValue(only, path.slice(i).join('/'), params) ? params : undefined;
    const value = path[i];
    if (value === undefined || (value === '' && only?.optional)) {
      if (only?.optional) continue;
      return undefined;
    }
    if (!matchSegment(segment, value, params)) return undefined;
  }
  return path.length <= route.segments.length ? params : undefined;
}

/** Orders routes as ASP.NET would choose between them when several match. */
export function compareRoutes(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function matchSegment(segment: Segment, value: string, params: RouteParams): boolean {
  const match = segment.pattern.exec(value);
  if (!match) return false;
  let group = 1;
  for (const part of segment.parts) {
    if (!('parameter' in part)) continue;
    const captured = match[group++] ?? '';
    if (captured === '' && part.parameter.optional) continue;
    if (!acceptValue(part.parameter, captured, params)) return false;
  }
  return true;
}

function acceptValue(parameter: Parameter, value: string, params: RouteParams): boolean {
  if (value === '' && parameter.optional) return true;
  if (!parameter.constraints.every((ok) => ok(value))) return false;
  params[parameter.name] = value;
  return true;
}

function parseSegment(text: string): Segment {
  const parts: Part[] = [];
  let source = '';
  for (const token of text.split(/(\{[^{}]*(?:\([^)]*\))?[^{}]*\})/)) {
    if (token === '') continue;
    if (token.startsWith('{') && token.endsWith('}')) {
      const parameter = parseParameter(token.slice(1, -1));
      parts.push({ parameter });
      source += parameter.optional ? '(.*?)' : '(.+?)';
    } else {
      parts.push({ literal: token });
      source += escapeRegExp(token);
    }
  }
  return { parts, pattern: new RegExp(`^${source}$`, 'i') };
}

function parseParameter(text: string): Parameter {
  const catchAll = text.startsWith('*');
  let body = catchAll ? text.replace(/^\*+/, '') : text;
  const optional = body.endsWith('?');
  if (optional) body = body.slice(0, -1);
  const [name, ...constraintTexts] = splitConstraints(body);
  if (!name || !/^[A-Za-z_][\w]*$/.test(name)) throw new Error(`Invalid route parameter '{${text}}'`);
  // A catch-all also matches nothing at all, so it is optional by nature.
  return { name, optional: optional || catchAll, catchAll, constraints: constraintTexts.map(parseConstraint) };
}

/** Splits `id:int:range(1,5)` on the colons that are not inside parentheses. */
function splitConstraints(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ':' && depth === 0) {
      pieces.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return pieces;
}

function rank(segment: Segment): number {
  if (segment.parts.every((p) => 'literal' in p)) return 1;
  const parameters = segment.parts.flatMap((p) => ('parameter' in p ? [p.parameter] : []));
  if (parameters.some((p) => p.catchAll)) return 5;
  if (segment.parts.length > 1) return 2;
  const [only] = parameters;
  if (only?.optional) return 4;
  return only && only.constraints.length > 0 ? 2 : 3;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
