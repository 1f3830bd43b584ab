/**
 * ASP.NET route constraints as the Functions host applies them to `{name:constraint}` route parameters.
 * Each returns a predicate over the (decoded) parameter value.
 */
export type Constraint = (value: string) => boolean;

const simple: Record<string, Constraint> = {
  int: (v) => /^[+-]?\d+$/.test(v) && inRange(Number(v), -(2 ** 31), 2 ** 31 - 1),
  long: (v) => /^[+-]?\d+$/.test(v) && Number.isSafeInteger(Number(v)),
  alpha: (v) => /^[a-z]*$/i.test(v),
  bool: (v) => /^(true|false)$/i.test(v),
  guid: (v) => isGuid(v),
  decimal: (v) => /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v),
  double: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
  float: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
  datetime: (v) => !Number.isNaN(Date.parse(v)),
};

const parameterised: Record<string, (args: string[]) => Constraint> = {
  maxlength:
    ([n]) =>
    (v) =>
      v.length <= int(n),
  minlength:
    ([n]) =>
    (v) =>
      v.length >= int(n),
  length: ([a, b]) => (b === undefined ? (v) => v.length === int(a) : (v) => v.length >= int(a) && v.length <= int(b)),
  min:
    ([n]) =>
    (v) =>
      simple.long!(v) && Number(v) >= int(n),
  max:
    ([n]) =>
    (v) =>
      simple.long!(v) && Number(v) <= int(n),
  range:
    ([a, b]) =>
    (v) =>
      simple.long!(v) && inRange(Number(v), int(a), int(b)),
  // Unanchored and case-insensitive, as ASP.NET's RegexRouteConstraint.
  regex: ([pattern]) => {
    const re = new RegExp(pattern ?? '', 'i');
    return (v) => re.test(v);
  },
};

/** Parses `int`, `maxlength(5)`, `regex(^a+$)`; throws on a constraint the host would not know. */
export function parseConstraint(text: string): Constraint {
  const match = /^([a-z]+)(?:\((.*)\))?$/i.exec(text);
  const name = match?.[1]?.toLowerCase();
  if (!match || !name) throw new Error(`Invalid route constraint '${text}'`);
  if (match[2] === undefined && simple[name]) return simple[name];
  const factory = parameterised[name];
  if (match[2] !== undefined && factory) return factory(name === 'regex' ? [match[2]] : match[2].split(',').map((s) => s.trim()));
  throw new Error(`Unsupported route constraint '${text}'`);
}

function isGuid(v: string): boolean {
  // JavaScript regexes have no conditionals; accept braces only as a matched pair.
  const inner = v.startsWith('{') && v.endsWith('}') ? v.slice(1, -1) : v;
  return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(inner);
}

function int(text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`Invalid number '${text}' in route constraint`);
  return n;
}

function inRange(n: number, min: number, max: number): boolean {
  return n >= min && n <= max;
}
