/**
 * A small reader for the parts of Bicep the infra tests look at: `var`, `param`, `resource`, `module` and
 * `output` declarations, and literal values (objects, arrays, strings, numbers, booleans, null). Anything
 * that is not a literal (a function call, a property access, a ternary, a `for` expression) is kept as an
 * `expr` with its source text. Not a Bicep compiler: it checks what the templates say, not what ARM does.
 */

export type BicepValue =
  | { kind: 'string'; raw: string; /** the text between the quotes, `${...}` kept as written */ text: string; interpolated: boolean }
  | { kind: 'number'; raw: string; value: number }
  | { kind: 'bool'; raw: string; value: boolean }
  | { kind: 'null'; raw: string }
  | { kind: 'object'; raw: string; entries: Map<string, BicepValue> }
  | { kind: 'array'; raw: string; items: BicepValue[] }
  | { kind: 'expr'; raw: string };

export interface ParamDecl {
  name: string;
  type: string;
  decorators: string[];
  secure: boolean;
  /** Source text of the default value, if any. */
  defaultValue?: string;
}

export interface Declaration {
  keyword: 'resource' | 'module';
  symbol: string;
  /** `Microsoft.Web/sites@2024-04-01` for a resource, the file path for a module. */
  target: string;
  existing: boolean;
  /** The `if (...)` condition's source, if any. */
  condition?: string;
  /** True for `[for ...]` declarations (the body is then the loop's body). */
  loop: boolean;
  body: BicepValue;
}

/** Replaces comments with spaces (newlines kept), leaving strings and their interpolations alone. */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  // Stack of contexts: 'code' or 'string'; a string's `${` pushes code, and that code's `}` pops it.
  const stack: ('code' | 'string')[] = ['code'];
  const braceDepth: number[] = [0];
  while (i < source.length) {
    const c = source[i]!;
    const top = stack[stack.length - 1];
    if (top === 'string') {
      if (c === '\\') {
        out += source.slice(i, i + 2);
        i += 2;
      } else if (c === "'") {
        stack.pop();
        braceDepth.pop();
        out += c;
        i++;
      } else if (c === '$' && source[i + 1] === '{') {
        stack.push('code');
        braceDepth.push(0);
        out += '${';
        i += 2;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    if (source.startsWith("'''", i)) {
      const end = source.indexOf("'''", i + 3);
      const stop = end < 0 ? source.length : end + 3;
      out += source.slice(i, stop);
      i = stop;
    } else if (c === "'") {
      stack.push('string');
      braceDepth.push(0);
      out += c;
      i++;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === '{') braceDepth[braceDepth.length - 1]!++;
      if (c === '}') {
        if (braceDepth[braceDepth.length - 1] === 0 && stack.length > 1) {
          stack.pop(); // end of an interpolation
          braceDepth.pop();
        } else braceDepth[braceDepth.length - 1]!--;
      }
      out += c;
      i++;
    }
  }
  return out;
}

class Parser {
  constructor(
    private readonly src: string,
    public pos: number,
  ) {}

  private skipSpace(newlines: boolean): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.pos++;
      else break;
    }
  }

  /** Index just past a balanced construct that starts at `start` (a quote, bracket, brace or paren). */
  private skipBalanced(start: number): number {
    const open = this.src[start]!;
    if (open === "'") return this.skipString(start);
    const close = open === '{' ? '}' : open === '[' ? ']' : ')';
    let i = start + 1;
    while (i < this.src.length) {
      const c = this.src[i]!;
      if (c === close) return i + 1;
      if (c === "'" || c === '{' || c === '[' || c === '(') i = this.skipBalanced(i);
      else i++;
    }
    throw new Error(`unbalanced ${open} at ${start}`);
  }

  private skipString(start: number): number {
    if (this.src.startsWith("'''", start)) {
      const end = this.src.indexOf("'''", start + 3);
      if (end < 0) throw new Error(`unterminated multi-line string at ${start}`);
      return end + 3;
    }
    let i = start + 1;
    while (i < this.src.length) {
      const c = this.src[i]!;
      if (c === '\\') i += 2;
      else if (c === "'") return i + 1;
      else if (c === '$' && this.src[i + 1] === '{') {
        // An interpolation is code: balanced braces, and strings of its own.
        let depth = 1;
        i += 2;
        while (depth > 0 && i < this.src.length) {
          const d = this.src[i]!;
          if (d === "'") i = this.skipString(i);
          else {
            if (d === '{') depth++;
            if (d === '}') depth--;
            i++;
          }
        }
      } else i++;
    }
    throw new Error(`unterminated string at ${start}`);
  }

  /** True when the item that started before `pos` ends here (separator, closer or end of line). */
  private atItemEnd(): boolean {
    let i = this.pos;
    while (this.src[i] === ' ' || this.src[i] === '\t' || this.src[i] === '\r') i++;
    const c = this.src[i];
    return c === undefined || c === '\n' || c === ',' || c === '}' || c === ']' || c === ')';
  }

  /** An expression: everything up to the end of the item, at bracket depth 0. */
  private parseExpr(start: number): BicepValue {
    let i = start;
    while (i < this.src.length) {
      const c = this.src[i]!;
      if (c === '\n' || c === ',' || c === '}' || c === ']' || c === ')') break;
      if (c === "'" || c === '{' || c === '[' || c === '(') i = this.skipBalanced(i);
      else i++;
    }
    this.pos = i;
    return { kind: 'expr', raw: this.src.slice(start, i).trim() };
  }

  parseValue(): BicepValue {
    this.skipSpace(true);
    const start = this.pos;
    const c = this.src[start];
    let literal: BicepValue | undefined;
    if (c === "'") {
      const end = this.skipString(start);
      const raw = this.src.slice(start, end);
      const text = raw.startsWith("'''") ? raw.slice(3, -3) : raw.slice(1, -1);
      this.pos = end;
      literal = { kind: 'string', raw, text, interpolated: !raw.startsWith("'''") && /\$\{/.test(text) };
    } else if (c === '{') {
      literal = this.parseObject();
    } else if (c === '[' && !/^\[\s*for\b/.test(this.src.slice(start, start + 10))) {
      literal = this.parseArray();
    } else {
      const word = /^(-?\d+(?:\.\d+)?|true|false|null)\b/.exec(this.src.slice(start, start + 40));
      if (word) {
        this.pos = start + word[0].length;
        const raw = word[0];
        literal =
          raw === 'true' || raw === 'false'
            ? { kind: 'bool', raw, value: raw === 'true' }
            : raw === 'null'
              ? { kind: 'null', raw }
              : { kind: 'number', raw, value: Number(raw) };
      }
    }
    if (literal && this.atItemEnd()) return literal;
    return this.parseExpr(start); // not a literal, or a literal that an operator continues
  }

  private parseObject(): BicepValue {
    const start = this.pos;
    this.pos++; // {
    const entries = new Map<string, BicepValue>();
    for (;;) {
      this.skipSpace(true);
      while (this.src[this.pos] === ',') {
        this.pos++;
        this.skipSpace(true);
      }
      if (this.src[this.pos] === '}') {
        this.pos++;
        return { kind: 'object', raw: this.src.slice(start, this.pos), entries };
      }
      let key: string;
      if (this.src[this.pos] === "'") {
        const end = this.skipString(this.pos);
        key = this.src.slice(this.pos + 1, end - 1);
        this.pos = end;
      } else {
        const m = /^[A-Za-z_$][\w$]*/.exec(this.src.slice(this.pos, this.pos + 200));
        if (!m) throw new Error(`object key expected at ${this.pos}: ${this.src.slice(this.pos, this.pos + 40)}`);
        key = m[0];
        this.pos += key.length;
      }
      this.skipSpace(false);
      // A nested child resource: `resource blobServices 'blobServices' = { ... }`, kept as "resource <symbol>".
      const nested = key === 'resource' ? /^(\w+)\s+'[^']*'\s*(?:existing\s*)?=\s*/.exec(this.src.slice(this.pos, this.pos + 300)) : null;
      if (nested) {
        this.pos += nested[0].length;
        this.skipConditionOrLoopHead();
        entries.set(`resource ${nested[1]}`, this.parseValue());
        continue;
      }
      if (this.src[this.pos] !== ':') throw new Error(`":" expected after key "${key}" at ${this.pos}`);
      this.pos++;
      entries.set(key, this.parseValue());
    }
  }

  private parseArray(): BicepValue {
    const start = this.pos;
    this.pos++; // [
    const items: BicepValue[] = [];
    for (;;) {
      this.skipSpace(true);
      while (this.src[this.pos] === ',') {
        this.pos++;
        this.skipSpace(true);
      }
      if (this.src[this.pos] === ']') {
        this.pos++;
        return { kind: 'array', raw: this.src.slice(start, this.pos), items };
      }
      items.push(this.parseValue());
    }
  }

  /** For `[for x in y: BODY]` and `if (cond) BODY`: positions the parser at BODY. */
  skipConditionOrLoopHead(): { condition?: string; loop: boolean } {
    this.skipSpace(true);
    let loop = false;
    let condition: string | undefined;
    if (/^\[\s*for\b/.test(this.src.slice(this.pos, this.pos + 10))) {
      loop = true;
      // The loop head ends at the first ":" at depth 0 after "in".
      let i = this.pos + 1;
      while (i < this.src.length && this.src[i] !== ':') {
        const c = this.src[i]!;
        if (c === "'" || c === '(' || c === '[' || c === '{') i = this.skipBalanced(i);
        else i++;
      }
      this.pos = i + 1;
      this.skipSpace(true);
    }
    if (this.src.startsWith('if', this.pos) && /^if\s*\(/.test(this.src.slice(this.pos, this.pos + 10))) {
      const open = this.src.indexOf('(', this.pos);
      const close = this.skipBalanced(open);
      condition = this.src.slice(open + 1, close - 1).trim();
      this.pos = close;
    }
    return { condition, loop };
  }
}

export class BicepFile {
  readonly source: string;

  constructor(
    readonly name: string,
    original: string,
  ) {
    this.source = stripComments(original);
  }

  /** The value of `var <name> = ...`. */
  variable(name: string): BicepValue {
    const m = new RegExp(`^var\\s+${name}\\s*=\\s*`, 'm').exec(this.source);
    if (!m) throw new Error(`${this.name}: no "var ${name}"`);
    return new Parser(this.source, m.index + m[0].length).parseValue();
  }

  params(): ParamDecl[] {
    const result: ParamDecl[] = [];
    const lines = this.source.split('\n');
    let decorators: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line.startsWith('@')) {
        // A decorator may span lines (@description('''...''') or @allowed([ ... ])): read it balanced.
        let text = line;
        while (!balanced(text) && i + 1 < lines.length) text += '\n' + lines[++i]!;
        decorators.push(text);
        continue;
      }
      const m = /^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.*))?$/.exec(line);
      if (m) {
        result.push({
          name: m[1]!,
          type: m[2]!,
          decorators,
          secure: decorators.some((d) => d.startsWith('@secure()')),
          defaultValue: m[3],
        });
      }
      if (line !== '') decorators = [];
    }
    return result;
  }

  outputs(): string[] {
    return [...this.source.matchAll(/^output\s+(\w+)\s+/gm)].map((m) => m[1]!);
  }

  declarations(): Declaration[] {
    const result: Declaration[] = [];
    const re = /^(resource|module)\s+(\w+)\s+'([^']+)'\s*(existing\s*)?=\s*/gm;
    for (let m = re.exec(this.source); m; m = re.exec(this.source)) {
      const parser = new Parser(this.source, m.index + m[0].length);
      const head = parser.skipConditionOrLoopHead();
      result.push({
        keyword: m[1] as 'resource' | 'module',
        symbol: m[2]!,
        target: m[3]!,
        existing: Boolean(m[4]),
        ...head,
        body: parser.parseValue(),
      });
    }
    return result;
  }

  resourcesOfType(type: string): Declaration[] {
    return this.declarations().filter((d) => d.keyword === 'resource' && d.target.split('@')[0] === type);
  }

  /** The single resource of a type (throws when there is none or several). */
  resource(type: string): Declaration {
    const found = this.resourcesOfType(type);
    if (found.length !== 1) throw new Error(`${this.name}: expected one ${type}, found ${found.length}`);
    return found[0]!;
  }
}

function balanced(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return depth === 0 && !inString;
}

/** Follows a path of object keys (`get(body, 'properties', 'resource', 'id')`). */
export function get(value: BicepValue | undefined, ...keys: string[]): BicepValue | undefined {
  let current = value;
  for (const key of keys) {
    if (!current || current.kind !== 'object') return undefined;
    current = current.entries.get(key);
  }
  return current;
}

/** The plain JS value of a literal (objects and arrays recursively); expressions become `{ expr }`. */
export function toPlain(value: BicepValue): unknown {
  switch (value.kind) {
    case 'string':
      return value.text;
    case 'number':
    case 'bool':
      return value.value;
    case 'null':
      return null;
    case 'object':
      return Object.fromEntries([...value.entries].map(([k, v]) => [k, toPlain(v)]));
    case 'array':
      return value.items.map(toPlain);
    case 'expr':
      return { expr: value.raw };
  }
}
