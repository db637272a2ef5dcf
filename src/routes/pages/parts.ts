/**
 * Pieces every page shares: the notice read from the address (announced by aria-live), labelled
 * fields, the callbackURL carried through forms, provider buttons, and the post/redirect/get answer.
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import { devMailPorts } from '../../config/dev-mail.ts'
import type { Config } from '../../config/index.ts'
import { HEADERS } from '../../http/headers.ts'
import { isLoopbackHost } from '../../http/site.ts'
import { SOCIAL_SIGN_IN_PATH } from '../../http/social-params.ts'
import type { Markup } from './layout.ts'
import { errorMessage, noticeMessage } from './messages.ts'

const PROVIDER_NAMES: Readonly<Record<string, string>> = { github: 'GitHub', google: 'Google', oidc: 'single sign-on' }

/** The page's notice from `?error=`, `?auth_error=` (a provider flow) or `?message=`; `?retry=` for a rate limit. */
export function notice(c: Context): Markup {
  const code = c.req.query('error') ?? c.req.query('auth_error')?.toUpperCase()
  const error = errorMessage(code)
  const retry = Number(c.req.query('retry'))
  const wait = code === 'RATE_LIMITED' && retry > 0 ? ` Try again in ${retry} second${retry === 1 ? '' : 's'}.` : ''
  const message = error ? undefined : noticeMessage(c.req.query('message'))
  return html`<div aria-live="polite" role="status">${
    error ? html`<p class="notice error">${error}${wait}</p>` : message ? html`<p class="notice">${message}</p>` : ''
  }</div>`
}

export function field(
  label: string,
  name: string,
  type: string,
  autocomplete: string,
  extra: Markup | string = '',
): Markup {
  return html`<label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" required ${extra}>`
}

export function callbackInput(callback: URL | undefined): Markup {
  return callback ? html`<input type="hidden" name="callbackURL" value="${callback.toString()}">` : html``
}

/** Buttons starting the existing top-level provider flow (routes/social-sign-in/). */
export function providerButtons(config: Config, callback: URL | undefined, signInPath: string): Markup {
  if (config.providers.enabled.length === 0) return html``
  const done = callback?.toString() ?? `${config.baseURL}/account`
  const back = `${config.baseURL}${signInPath}`
  const links = config.providers.enabled.map((id) => {
    const query = new URLSearchParams({ callbackURL: done, errorCallbackURL: back })
    return html`<a class="button secondary" href="${SOCIAL_SIGN_IN_PATH}/${id}?${query.toString()}">Continue with ${PROVIDER_NAMES[id] ?? id}</a>`
  })
  return html`<h2>Or</h2><p>${links}</p>`
}

/** In development on loopback, where `npm run dev` puts its mail (config/dev-mail.ts). */
export function devFooter(c: Context): Markup {
  const url = new URL(c.req.url)
  if (!isLoopbackHost(url.hostname)) return html``
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const inbox = `http://127.0.0.1:${devMailPorts(port).web}`
  return html`<footer>Development: <code>npm run dev</code> mails to maildev, inbox at <a href="${inbox}">${inbox}</a>
(unless MAILDEV_WEB_PORT or a transport moved it). <a href="/health/auth">/health/auth</a> shows the configuration.</footer>`
}

/** The answer to a form post: 303 to a GET, with the Set-Cookie lines of BetterAuth's answer. */
export function seeOther(location: string, setCookies: readonly string[] = []): Response {
  const headers = new Headers({ location, [HEADERS.cacheControl]: 'no-store', 'referrer-policy': 'no-referrer' })
  for (const line of setCookies) headers.append(HEADERS.setCookie, line)
  return new Response(null, { status: 303, headers })
}

/** A form's field as text; absent or a file is the empty string. */
export async function formFields(c: Context): Promise<(name: string) => string> {
  const form = await c.req.formData().catch(() => new FormData())
  return (name) => {
    const value = form.get(name)
    return typeof value === 'string' ? value : ''
  }
}
