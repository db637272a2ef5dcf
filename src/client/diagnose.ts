/**
 * "Why is my session null?" asked from the page: `GET /health/session` on the service.
 *
 * First with the credentials the client's requests carry (the cookie, and the bearer token unless
 * the cookie is known to work). From an origin missing from `TRUSTED_ORIGINS` the browser refuses
 * that answer (the service gives such origins CORS without credentials), so it is asked again
 * without credentials, and the service names `origin_not_trusted`. Never rejects: a service that cannot be read at all is a diagnosis too.
 */
import { HEADERS } from '../http/headers.ts'
import type { FetchLike } from './session-fetch.ts'

export type SessionStatus =
  | 'valid'
  | 'no_credentials'
  | 'bad_signature'
  | 'not_found'
  | 'expired'
  /** The service answered with an error (`causes[0].code` is its code, e.g. CONFIG_INVALID). */
  | 'error'
  /** Nothing readable came back: the network, or a response without CORS headers. */
  | 'unreachable'

export interface SessionCause {
  /** e.g. `origin_not_trusted`, `cross_site_cookie_not_sent`, `unknown_secret`; see the README's table. */
  readonly code: string
  readonly message: string
  readonly fix: string
}

/** The service's diagnosis of the credentials the page sends. Never contains a token. */
export interface SessionDiagnosis {
  readonly status: SessionStatus
  readonly credential: 'cookie' | 'bearer' | null
  readonly causes: readonly SessionCause[]
  readonly signedWith?: { readonly version: number | null; readonly current: boolean }
  readonly session?: { readonly id: string; readonly userId: string; readonly expiresAt: string }
}

export interface DiagnoseOptions {
  /** The service's origin, e.g. `https://auth.example.com`. */
  readonly serviceURL: string
  readonly fetch: () => FetchLike
  /** The bearer token to send along, if the client's requests send one now. */
  readonly bearer: () => string | null
}

async function read(response: Response): Promise<SessionDiagnosis> {
  const body = (await response.json()) as Partial<SessionDiagnosis> & { code?: string; message?: string }
  if (response.ok && typeof body.status === 'string') return body as SessionDiagnosis
  return {
    status: 'error',
    credential: null,
    causes: [
      {
        code: body.code ?? `HTTP_${response.status}`,
        message: body.message ?? `The service answered ${response.status}.`,
        fix: 'Open /health/auth on the service: it names what is misconfigured.',
      },
    ],
  }
}

/**
 * @example
 * const diagnose = createDiagnose({ serviceURL, fetch: () => fetch, bearer: () => store.get() })
 * const { status, causes } = await diagnose() // e.g. 'no_credentials', [{ code: 'origin_not_trusted', … }]
 */
export function createDiagnose(options: DiagnoseOptions): () => Promise<SessionDiagnosis> {
  const url = `${options.serviceURL}/health/session`
  return async function diagnose() {
    const bearer = options.bearer()
    try {
      return await read(
        await options.fetch()(url, {
          credentials: 'include',
          headers: bearer ? { [HEADERS.authorization]: `Bearer ${bearer}` } : {},
        }),
      )
    } catch {
      // Refused by the browser (no credentialed CORS for this origin) or not reached: ask plainly.
    }
    try {
      return await read(await options.fetch()(url, { credentials: 'omit' }))
    } catch (error) {
      return {
        status: 'unreachable',
        credential: null,
        causes: [
          {
            code: 'service_unreachable',
            message: `${url} could not be read (${String(error)}): the service is down or unreachable from this page, or it answered without CORS headers.`,
            fix: `Open ${url} in the browser; check the service's URL and its /health/auth.`,
          },
        ],
      }
    }
  }
}
