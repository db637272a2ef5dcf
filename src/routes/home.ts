/**
 * `GET /`: a page for a person who opens the service in a browser, or who lands here from a
 * verification link. BetterAuth's verify-email redirects to its `callbackURL`, `/` when the
 * sign-up gave none, after signing the user in (autoSignInAfterVerification), or with `?error=`
 * when the link is spent, expired or forged.
 */
import { Hono } from 'hono/tiny'
import { devMailPorts } from '../config/dev-mail.ts'
import { isLoopbackHost } from '../http/site.ts'

const VERIFY_ERRORS: Record<string, string> = {
  INVALID_TOKEN: 'This verification link is not valid (already used, or mistyped).',
  TOKEN_EXPIRED: 'This verification link has expired.',
  USER_NOT_FOUND: 'This verification link belongs to no account.',
  INVALID_USER: 'This verification link is for another account than the one signed in here.',
}

function verificationNote(error: string | undefined): string {
  if (error === undefined) {
    return `<p>Came here from a verification link? Your address is confirmed and this browser is signed in
on this service: <a href="/api/auth/get-session">/api/auth/get-session</a> shows the session.
A frontend passes <code>callbackURL</code> at sign-up to bring the user back to itself instead.</p>`
  }
  const known = VERIFY_ERRORS[error] ?? 'This link did not work.'
  return `<p role="alert">${known} Signing in with the password mails a fresh link.</p>`
}

/** On loopback, where `npm run dev` runs maildev for this port (src/config/dev-mail.ts). */
function devInbox(url: URL): string {
  if (!isLoopbackHost(url.hostname)) return ''
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const inbox = `http://127.0.0.1:${devMailPorts(port).web}`
  return `<p>In development (<code>npm run dev</code>), mail goes to maildev: the inbox is at
<a href="${inbox}">${inbox}</a>, unless MAILDEV_WEB_PORT moved it or a transport is set.</p>`
}

function page(url: URL, error: string | undefined): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edge-auth</title>
<meta name="viewport" content="width=device-width"></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em">
<h1>edge-auth</h1>
<p>An authentication service: BetterAuth on Hono, its API under <code>/api/auth/</code>. Frontends
sign users in with <code>edge-auth/client</code>; there is no sign-in page here. The repository's
README.md and docs/ say the rest.</p>
${verificationNote(error)}
${devInbox(url)}
<ul>
<li><a href="/health/auth">/health/auth</a>: whether sessions can work here (configuration, database, cookies)</li>
<li><a href="/health">/health</a>: liveness</li>
<li><a href="/.well-known/jwks.json">/.well-known/jwks.json</a>: the keys that verify its JWTs</li>
</ul>
</body></html>
`
}

export function homeRoutes() {
  return new Hono().get('/', (c) => {
    const error = c.req.query('error')
    return c.html(page(new URL(c.req.url), error), 200, {
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
    })
  })
}
