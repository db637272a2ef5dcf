/**
 * The hosted pages' frame: one HTML document around a page's body, themed by configuration
 * (APP_NAME, BRAND_COLOR, LOGO_URL), light or dark by prefers-color-scheme, and its security
 * headers. No script at all; the one stylesheet is inline and allowed by its hash.
 */
import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Config } from '../../config/index.ts'
import { encodeBase64 } from '../../crypto/base64.ts'

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>

const STYLE = `:root{color-scheme:light dark;--bg:#fff;--fg:#1b1d21;--muted:#585e69;--line:#c9ced6;--card:#f6f7f9}
@media (prefers-color-scheme:dark){:root{--bg:#14161a;--fg:#eceef1;--muted:#aab1bc;--line:#454b55;--card:#1d2026}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,sans-serif}
main{max-width:34em;margin:2em auto;padding:0 1em}h1{font-size:1.6em;margin:.4em 0}h2{font-size:1.15em;margin:1.6em 0 .4em}
.logo{max-height:48px;max-width:200px}label{display:block;margin:.8em 0 .2em;font-weight:600}
input{width:100%;padding:.55em;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);font:inherit}
button,.button{display:inline-block;margin:.9em .4em 0 0;padding:.55em 1.1em;border:0;border-radius:6px;background:var(--brand);color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:transparent;color:var(--fg);border:1px solid var(--line)}
a{color:var(--fg);text-decoration-color:var(--brand);text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
.notice{padding:.7em 1em;border-radius:6px;background:var(--card);border-left:4px solid var(--brand)}
.error{border-left-color:#c62828}.muted{color:var(--muted)}table{width:100%;border-collapse:collapse}
td,th{text-align:left;padding:.4em .3em;border-bottom:1px solid var(--line);vertical-align:top}
form.inline{display:inline}form.inline button{margin:0}footer{margin:3em 0 1em;color:var(--muted);font-size:.9em}`

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return encodeBase64(digest, 'base64')
}

/** The stylesheet for a brand colour, and the CSP that allows exactly it. Computed once per colour. */
const styles = new Map<string, Promise<{ css: string; csp: string }>>()
function themed(brandColor: string, logoUrl: string | undefined) {
  const key = `${brandColor} ${logoUrl ?? ''}`
  let entry = styles.get(key)
  if (!entry) {
    const css = `:root{--brand:${brandColor}}\n${STYLE}`
    entry = sha256Base64(css).then((hash) => ({
      css,
      csp: [
        "default-src 'none'",
        `style-src 'sha256-${hash}'`,
        `img-src ${logoUrl ? new URL(logoUrl).origin : "'none'"}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    }))
    styles.set(key, entry)
  }
  return entry
}

export interface PageParts {
  readonly title: string
  readonly body: Markup
  readonly status?: ContentfulStatusCode
  /** A footer for development (the inbox of npm run dev). */
  readonly footer?: Markup
}

/** Security headers of every page: never cached, never framed, never leaking its URL. */
export function pageHeaders(c: Context, csp: string): void {
  c.header('content-security-policy', csp)
  c.header('cache-control', 'no-store')
  c.header('referrer-policy', 'no-referrer')
  c.header('x-content-type-options', 'nosniff')
  c.header('x-frame-options', 'DENY')
}

export async function renderPage(c: Context, config: Config, parts: PageParts): Promise<Response> {
  const { brandColor, logoUrl } = config.pages
  const appName = config.mail.appName
  const { css, csp } = await themed(brandColor, logoUrl)
  pageHeaders(c, csp)
  const document = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title} · ${appName}</title><style>${raw(css)}</style></head>
<body><main>
${logoUrl ? html`<img class="logo" src="${logoUrl}" alt="${appName}">` : html`<p class="muted">${appName}</p>`}
<h1>${parts.title}</h1>
${parts.body}
${parts.footer ?? ''}
</main></body></html>
`
  return c.html(document, parts.status ?? 200)
}
