// `cookie` (0.7, the version @azure/functions itself depends on) ships no types; only `parse` is used.
declare module 'cookie' {
  export function parse(header: string, options?: { decode?: (value: string) => string }): Record<string, string | undefined>;
}
