/**
 * Reads .funcignore with gitignore semantics, for the subset this repository uses: comments, blank lines,
 * `*` and `**` globs, a leading "/" (anchored at the root), a trailing "/" (directories only). A pattern with
 * no "/" but a trailing one matches a name at any depth, as in git. Negation ("!") is refused rather than
 * half-supported: the test then fails and says so.
 */
export interface IgnoreRule {
  pattern: string;
  regex: RegExp;
  directoryOnly: boolean;
}

export function parseFuncignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) throw new Error(`negated .funcignore patterns are not supported by this reader: ${line}`);
    let body = line;
    const directoryOnly = body.endsWith('/');
    if (directoryOnly) body = body.slice(0, -1);
    const anchored = body.includes('/');
    if (body.startsWith('/')) body = body.slice(1);
    const glob = body
      .split('/')
      .map((segment) =>
        segment === '**'
          ? '.*'
          : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'),
      )
      .join('/');
    const regex = new RegExp(anchored ? `^${glob}$` : `(^|/)${glob}$`);
    rules.push({ pattern: line, regex, directoryOnly });
  }
  return rules;
}

/** True when `relPath` (posix, relative to the root) is excluded, itself or through a parent directory. */
export function isIgnored(rules: IgnoreRule[], relPath: string, isDirectory = false): boolean {
  const segments = relPath.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    const prefixIsDirectory = i < segments.length || isDirectory;
    if (rules.some((r) => (!r.directoryOnly || prefixIsDirectory) && r.regex.test(prefix))) return true;
  }
  return false;
}
