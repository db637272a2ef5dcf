/**
 * The first middleware: a `Cookie` or `Authorization` header holding a byte outside printable
 * ASCII is refused with 400 before any other code (BetterAuth's parsers, its logger, ours) reads
 * it. Such a header is never a credential this service issued (cookies and tokens are base64url or
 * hex), and a parser that chokes on it might print it. A browser navigating (Accept: text/html)
 * gets a page that says what to do, not JSON.
 */
import type { MiddlewareHandler } from 'hono'
import { ERRORS, errorResponse } from '../errors.ts'
import { HEADERS } from '../http/headers.ts'

/** Printable ASCII and tab are what a credential header may hold; fetch already refuses CR, LF and NUL. */
const NOT_PRINTABLE_ASCII = /[^\t\x20-\x7e]/

const CREDENTIAL_HEADERS = [HEADERS.cookie, HEADERS.authorization] as const

/**
 * What a person navigating to a page gets instead of JSON. This answers before the configuration
 * is read, so it is plain: no theme, no script, no style.
 */
const FOR_A_PERSON = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cookie problem</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>Cookie problem</h1><p role="alert">Your browser sent a cookie this service cannot read. Clearing this site’s cookies helps.</p>
</main></body></html>`

function refusal(name: string, accept: string | undefined): Response {
  if (accept?.includes('text/html'))
    return new Response(FOR_A_PERSON, {
      status: ERRORS.INVALID_CREDENTIAL_HEADER.status,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'cache-control': 'no-store',
      },
    })
  // The header's name only: its value is a credential, or garbage posing as one.
  return errorResponse('INVALID_CREDENTIAL_HEADER', `The ${name} header holds a byte that is not printable ASCII.`, {
    header: name,
  })
}

export function refuseNonAsciiCredentials(): MiddlewareHandler {
  return async function refuseNonAsciiCredentials(c, next) {
    for (const name of CREDENTIAL_HEADERS) {
      const value = c.req.raw.headers.get(name)
      if (value !== null && NOT_PRINTABLE_ASCII.test(value)) return refusal(name, c.req.header('accept'))
    }
    await next()
  }
}
