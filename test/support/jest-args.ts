/**
 * `npm test -- test/config/config.test.ts`: jest runs the compiled tests in `dist/`, so a source path
 * would match nothing. Each argument that names a source file or folder (`src/…`, `test/…`, `bench/…`,
 * `.ts` or none) becomes its compiled path (`dist/…`, `.js`); options and anything else pass unchanged.
 */
export function compiledTestArgs(args: readonly string[]): string[] {
  return args.map((arg) => {
    if (arg.startsWith('-')) return arg;
    const path = arg.replace(/^\.\//, '');
    if (!/^(src|test|bench)(\/|$)/.test(path)) return arg;
    return `dist/${path.replace(/\.ts$/, '.js')}`;
  });
}
