/**
 * A JWKS that cannot be had is JWKS_UNAVAILABLE (503 from the middleware), never a refused token:
 * real local servers refuse the connection, hang, answer 500, redirect, or answer something that
 * is not a JWKS.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Hono } from 'hono'
import { errors, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessTokenError, isKeyRetrievalFailure } from './errors.ts'
import { type AccessTokenVariables, accessTokenMiddleware } from './middleware.ts'
import { createAccessTokenVerifier } from './verify.ts'

const ISSUER = 'https://auth.example.com'
/** jose's own default for a JWKS request. */
const JOSE_TIMEOUT_MS = 5000

const servers: Server[] = []

/** A server on 127.0.0.1 answering every request with `handler`; its base URL. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A URL on a port where nothing listens any more. */
async function refusingUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

let token: string
beforeAll(async () => {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  token = await new SignJWT({ sub: 'user-1' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'key-1' })
    .setIssuer(ISSUER)
    .setAudience(ISSUER)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey)
})
afterAll(() => {
  for (const server of servers) {
    server.closeAllConnections()
    server.close()
  }
})

const cases: [label: string, url: () => Promise<string>][] = [
  ['the connection is refused', refusingUrl],
  [
    'the server never answers',
    () =>
      serve(() => {
        /* holds the request open */
      }),
  ],
  ['the server answers 500', () => serve((_req, res) => res.writeHead(500).end('{"error":"boom"}'))],
  [
    'the server redirects',
    () => serve((_req, res) => res.writeHead(302, { location: 'https://elsewhere.example.com/jwks' }).end()),
  ],
  [
    'the server answers HTML',
    () => serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>')),
  ],
  [
    'the server answers JSON that is no JWKS',
    () => serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":"none"}')),
  ],
]

describe('createAccessTokenVerifier when the JWKS is unavailable', () => {
  it.each(cases)(
    'throws JWKS_UNAVAILABLE when %s',
    async (_label, url) => {
      const jwksUrl = `${await url()}/.well-known/jwks.json`
      const verifyAccessToken = createAccessTokenVerifier({ jwksUrl, issuer: ISSUER, audience: ISSUER })
      const error = await verifyAccessToken(token).catch((e) => e)
      expect(error).toBeInstanceOf(AccessTokenError)
      expect(error.code).toBe('JWKS_UNAVAILABLE')
    },
    JOSE_TIMEOUT_MS + 5000,
  )
})

describe('isKeyRetrievalFailure', () => {
  it.each([
    // What workerd's fetch throws for a refused connection (Node's is a TypeError).
    ['a plain Error, as workerd throws', new Error('Network connection lost.'), true],
    ['a TypeError, as Node throws', new TypeError('fetch failed'), true],
    ["jose's JWKSTimeout", new errors.JWKSTimeout(), true],
    ["jose's generic error for a non-200 answer", new errors.JOSEError('Expected 200 OK'), true],
    ['no matching key', new errors.JWKSNoMatchingKey(), false],
    ['several matching keys', new errors.JWKSMultipleMatchingKeys(), false],
  ])('%s → %s', (_label, error, expected) => {
    expect(isKeyRetrievalFailure(error)).toBe(expected)
  })
})

describe('accessTokenMiddleware when the JWKS is unavailable', () => {
  it.each(cases)(
    'answers 503 JWKS_UNAVAILABLE when %s',
    async (_label, url) => {
      const jwksUrl = `${await url()}/keys`
      const app = new Hono<{ Variables: AccessTokenVariables }>()
      app.use('*', accessTokenMiddleware({ jwksUrl, issuer: ISSUER, audience: ISSUER }))
      app.get('/me', (c) => c.json({ sub: c.var.accessToken.sub }))
      const response = await app.request('/me', { headers: { authorization: `Bearer ${token}` } })
      expect(response.status).toBe(503)
      expect(response.headers.get('www-authenticate')).toBeNull()
      expect((await response.json()).code).toBe('JWKS_UNAVAILABLE')
    },
    JOSE_TIMEOUT_MS + 5000,
  )
})
