/**
 * The first middleware: a `Cookie` or `Authorization` header holding a byte outside printable
 * ASCII is refused with 400 before any other code (BetterAuth's parsers, its logger, ours) reads
 * it. Such a header is never a credential this service issued (cookies and tokens are base64url or
 * hex), and a parser that chokes on it might print it.
 */
import type { MiddlewareHandler } from 'hono'
import { errorResponse } from '../errors.ts'
import { HEADERS } from '../http/headers.ts'

/** Printable ASCII and tab are what a credential header may hold; fetch already refuses CR, LF and NUL. */
const NOT_PRINTABLE_ASCII = /[^\t\x20-\x7e]/

const CREDENTIAL_HEADERS = [HEADERS.cookie, HEADERS.authorization] as const

export function refuseNonAsciiCredentials(): MiddlewareHandler {
  return async function refuseNonAsciiCredentials(c, next) {
    for (const name of CREDENTIAL_HEADERS) {
      const value = c.req.raw.headers.get(name)
      if (value !== null && NOT_PRINTABLE_ASCII.test(value)) {
        // The header's name only: its value is a credential, or garbage posing as one.
        return errorResponse(
          'INVALID_CREDENTIAL_HEADER',
          `The ${name} header holds a byte that is not printable ASCII.`,
          {
            header: name,
          },
        )
      }
    }
    await next()
  }
}
