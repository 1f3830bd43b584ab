import { createHash } from 'node:crypto';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * The pages' only stylesheet, inline. The CSP allows exactly this text by its hash, so no external
 * asset, script or injected style can run. Colours meet WCAG AA contrast; focus is always visible.
 */
const STYLE = `
:root{color-scheme:light dark;--fg:#1b1b1f;--muted:#4a4a55;--bg:#f6f6f9;--card:#fff;--line:#d0d0da;--accent:#0b57d0;--accent-fg:#fff;--warn:#8a4b00}
@media (prefers-color-scheme:dark){:root{--fg:#ececf1;--muted:#b9b9c6;--bg:#15151a;--card:#202028;--line:#3a3a46;--accent:#8ab4f8;--accent-fg:#0b0b10;--warn:#ffb870}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 1rem}
p,ul{margin:0 0 1rem}
.muted{color:var(--muted)}
.host{display:block;font-size:1.25rem;font-weight:700;word-break:break-all;margin:.25rem 0 1rem}
.warn{color:var(--warn)}
ul{padding-left:1.25rem}
code{font-size:.95em;word-break:break-all}
a{color:var(--accent)}
pre{overflow-x:auto;padding:.75rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);margin:0 0 1rem}
pre code{word-break:normal}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.5rem}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border-radius:8px;border:2px solid var(--accent);cursor:pointer}
button.approve{background:var(--accent);color:var(--accent-fg)}
button.deny{background:transparent;color:var(--fg);border-color:var(--line)}
button:focus-visible{outline:3px solid var(--fg);outline-offset:2px}
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** A complete page: one `main` landmark, the page's language, the hashed stylesheet. */
export function renderPage(title: string, mainHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${mainHtml}
</main>
</body>
</html>
`;
}

/**
 * Headers for every HTML page: no framing (clickjacking on the consent buttons), no referrer (the
 * query carries the client's state), never cached. `formAction` lists where the page's form may go,
 * including where its redirects lead (Chromium enforces form-action on redirects).
 */
export function pageHeaders(formAction: readonly string[] = []): Record<string, string> {
  const formSources = formAction.length > 0 ? formAction.join(' ') : "'none'";
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src ${STYLE_HASH}; img-src 'none'; form-action ${formSources}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
}
