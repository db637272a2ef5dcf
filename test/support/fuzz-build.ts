/**
 * A fuzzed request (fuzz-requests.ts) as sent: the signed-in test user's id, session id, email,
 * password and credentials in place of the placeholders, and the list of secrets it carries, which
 * no response or log line may give back.
 */
import { type FuzzCredentials, type FuzzRequest, OWN } from './fuzz-requests.ts'

/** What a request sends that a response must not give back, with where it may legitimately come back. */
export interface SentSecret {
  readonly value: string
  /** The valid session's own credential: the service re-issues it in Set-Cookie / set-auth-token. */
  readonly own: boolean
}

export interface BuiltRequest {
  readonly path: string
  readonly init: RequestInit & { headers: Headers }
  readonly secrets: readonly SentSecret[]
}

function substitute(value: string, credentials: FuzzCredentials): string {
  return value
    .replaceAll(OWN.userId, credentials.userId)
    .replaceAll(OWN.sessionId, credentials.sessionId)
    .replaceAll(OWN.email, credentials.email)
    .replaceAll(OWN.password, credentials.password)
}

function forge(signed: string): string {
  const decoded = decodeURIComponent(signed)
  const dot = decoded.lastIndexOf('.')
  const signature = decoded.slice(dot + 1)
  const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`
  return encodeURIComponent(`${decoded.slice(0, dot)}.${flipped}`)
}

const PASSWORD_FIELDS = new Set(['password', 'currentPassword', 'newPassword'])

function bodyText(request: FuzzRequest, credentials: FuzzCredentials, secrets: SentSecret[]): string | undefined {
  const { body } = request
  switch (body.kind) {
    case 'none':
      return undefined
    case 'text':
      return body.value
    case 'json':
      return JSON.stringify(body.value)
    case 'fields': {
      const text = substitute(JSON.stringify(body.value), credentials)
      for (const [field, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
        if (PASSWORD_FIELDS.has(field) && typeof value === 'string' && value.length >= 8)
          secrets.push({ value, own: false })
      }
      return text
    }
    case 'huge':
      return JSON.stringify({
        email: credentials.email,
        password: 'x'.repeat(12),
        [body.field]: 'h'.repeat(body.length),
      })
    case 'over-limit':
      return JSON.stringify({ email: credentials.email, name: 'o'.repeat(70_000) })
  }
}

/**
 * The request as sent, with the credentials' values in place of the placeholders, and the secrets
 * it carries.
 *
 * @example
 * const { path, init, secrets } = buildRequest(request, await session.current())
 */
export function buildRequest(request: FuzzRequest, credentials: FuzzCredentials): BuiltRequest {
  const secrets: SentSecret[] = []
  let index = 0
  const filled = request.route.path
    .split('/')
    .map((part) => (part.startsWith(':') ? substitute(request.params[index++] ?? '', credentials) : part))
    .join('/')
  const path = `${filled}${request.suffix}${request.query}`

  const headers = new Headers()
  if (request.origin !== undefined) headers.set('origin', request.origin)
  const cookies: string[] = request.extraCookies.map(([name, value]) => `${name}=${value}`)
  const { cookie } = request
  if (cookie.kind === 'valid') {
    cookies.push(`${credentials.cookieName}=${credentials.cookieValue}`)
    secrets.push({ value: credentials.cookieValue, own: true })
  } else if (cookie.kind === 'forged') {
    const forged = forge(credentials.cookieValue)
    cookies.push(`${credentials.cookieName}=${forged}`)
    secrets.push({ value: forged, own: false })
  } else if (cookie.kind === 'junk') {
    cookies.push(`${credentials.cookieName}=${cookie.value}`)
    secrets.push({ value: cookie.value, own: false })
  } else if (cookie.kind === 'oversized') {
    const value = cookie.value.repeat(cookie.repeat)
    cookies.push(`${credentials.cookieName}=${value}`)
    secrets.push({ value: cookie.value.repeat(4), own: false })
  }
  if (cookies.length > 0) headers.set('cookie', cookies.join('; '))

  const { authorization } = request
  if (authorization.kind === 'bearer') {
    headers.set('authorization', `Bearer ${credentials.bearer}`)
    secrets.push({ value: credentials.bearer, own: true })
  } else if (authorization.kind === 'jwt') {
    headers.set('authorization', `Bearer ${credentials.jwt}`)
    secrets.push({ value: credentials.jwt, own: true })
  } else if (authorization.kind === 'raw') {
    headers.set('authorization', authorization.value)
    const token = authorization.value.split(' ')[1]
    if (token && token.length >= 16) secrets.push({ value: token, own: false })
  }

  if (request.contentType !== undefined) headers.set('content-type', request.contentType)
  const withoutBody = request.method === 'GET' || request.method === 'HEAD'
  const body = withoutBody ? undefined : bodyText(request, credentials, secrets)
  return { path, init: { method: request.method, headers, body, redirect: 'manual' }, secrets }
}
