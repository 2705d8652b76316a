import { html, raw, type Html } from '../../common/html.ts';
import { FAVICON_LINK } from './favicon.ts';

// Inline styles only: the pages must work on a machine without internet and leak nothing outside.
const style = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#f6f8fa;--card:#fff;--line:#d0d7de;--accent:#0b57d0;--accent-fg:#fff;--danger:#b42318}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--card:#161b22;--line:#30363d;--accent:#4c8dff;--accent-fg:#0d1117;--danger:#ff7b72}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.4rem;margin:0 0 .25rem}p.sub{margin:0 0 1.5rem;color:var(--muted)}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
textarea{font:.9rem/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;resize:vertical}
p.help,label small{color:var(--muted);font-size:.85rem;font-weight:400}p.help{margin:.25rem 0 0}
input[type=text],input[type=password],textarea{width:100%;padding:.6rem .7rem;font-size:1rem;border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--fg)}
input:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{font-size:1rem;padding:.6rem 1rem;border-radius:8px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg);font-weight:600;width:100%;margin-top:1rem}
.users{display:grid;gap:.5rem;margin:0;padding:0;list-style:none}.users button{width:100%;text-align:left}
.users small{display:block;color:var(--muted)}
.alert{padding:.6rem .8rem;border:1px solid var(--danger);color:var(--danger);border-radius:8px;margin-bottom:1rem}
.row{display:flex;gap:.5rem;margin-top:1rem}.row button{flex:1}
ul.scopes{padding-left:1.2rem}code.user-code{font-size:1.6rem;letter-spacing:.15em}
hr{border:0;border-top:1px solid var(--line);margin:1.5rem 0}
p.brand{margin:0 0 1rem;padding-bottom:.5rem;border-bottom:3px solid var(--accent);color:var(--muted);font-size:.9rem}p.brand strong{color:var(--fg)}
footer{max-width:26rem;margin:0 auto;color:var(--muted);font-size:.8rem;text-align:center}
`;

export function page(
  title: string,
  tenant: { name: string; brand?: { product: string; accent: string; detail?: string | undefined } | undefined },
  body: Html,
): string {
  const tenantName = tenant.name;
  const brand = tenant.brand;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${tenantName}</title>
${raw(FAVICON_LINK)}
<style>${raw(style)}</style>
</head>
<body${brand ? html` style="--accent:${brand.accent}"` : ''}>
<main>
${brand ? html`<p class="brand"><strong>${brand.product}</strong>${brand.detail ? html` · ${brand.detail}` : ''}</p>` : ''}
${body}
</main>
<footer>mockidp · tenant ${tenantName} · a test identity provider, not for production</footer>
</body>
</html>`.value;
}
