/**
 * fast-check arbitraries for requests to the service: a public route (or a path under one of its
 * mounts) with odd segments, a query string, Origin, Cookie and Authorization headers, a
 * Content-Type and a body. A request is plain data; what depends on the signed-in test user (its
 * id, its cookie, bearer token and JWT) is a placeholder that `buildRequest` fills in at run time,
 * so a counterexample stays reproducible from its seed and path and shrinks (fuzz-build.ts fills them).
 */
import fc from 'fast-check'
import type { PublicRoute, RouteMap } from './public-routes.ts'

/** The signed-in user the fuzz uses for credentials and ids (see FuzzSession in the test). */
export interface FuzzCredentials {
  readonly userId: string
  readonly sessionId: string
  readonly email: string
  readonly password: string
  readonly cookieName: string
  /** The signed session cookie value, as the browser holds it. */
  readonly cookieValue: string
  /** The signed bearer token from `set-auth-token`. */
  readonly bearer: string
  readonly jwt: string
}

/** Placeholders in a request, replaced by the credentials' values. */
export const OWN = {
  userId: '\u0001USER_ID\u0001',
  sessionId: '\u0001SESSION_ID\u0001',
  email: '\u0001EMAIL\u0001',
  password: '\u0001PASSWORD\u0001',
} as const

type Segment = string

type Credential =
  | { kind: 'none' }
  | { kind: 'valid' }
  | { kind: 'forged' }
  | { kind: 'junk'; value: string }
  | { kind: 'oversized'; value: string; repeat: number }

type Authorization = { kind: 'none' } | { kind: 'bearer' } | { kind: 'jwt' } | { kind: 'raw'; value: string }

type Body =
  | { kind: 'none' }
  | { kind: 'text'; value: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'fields'; value: Record<string, unknown> }
  | { kind: 'huge'; field: string; length: number }
  | { kind: 'over-limit' }

type Target = PublicRoute | { method: string; path: string; owner: 'prefix'; fields: []; queryKeys: [] }

export interface FuzzRequest {
  readonly route: Target
  readonly method: string
  readonly params: readonly Segment[]
  readonly suffix: string
  readonly query: string
  readonly origin: string | undefined
  readonly cookie: Credential
  readonly extraCookies: readonly [string, string][]
  readonly authorization: Authorization
  readonly contentType: string | undefined
  readonly body: Body
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']

/** A distinctive value a response must never contain when it was sent as a secret. */
const secretish = fc.stringMatching(/^[A-Za-z0-9_-]{16,48}$/)

const oddSegment = fc.oneof(
  fc.constantFrom(
    '',
    '.',
    '..',
    '%2e%2e',
    '%2F',
    '%00',
    '%',
    '%ZZ',
    '%E0%A4%A',
    ';x=1',
    '~',
    '%F0%9F%94%91',
    'null',
    'undefined',
    '0',
    '-1',
    'a'.repeat(4096),
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
)

const segment: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(OWN.userId) },
  { weight: 1, arbitrary: fc.constant(OWN.sessionId) },
  { weight: 4, arbitrary: oddSegment },
)

const QUERY_KEYS = [
  'callbackURL',
  'errorCallbackURL',
  'newUserCallbackURL',
  'redirectTo',
  'token',
  'error',
  'id',
  'userId',
  'sessionId',
  'disableCookieCache',
  'disableRefresh',
  'limit',
  'offset',
  'cursor',
  'before',
  'code',
  'state',
]

const urlish = fc.oneof(
  fc.constantFrom(
    'http://localhost:3000/after',
    'https://evil.example/steal',
    '//evil.example',
    'javascript:alert(1)',
    'http://localhost:3000/\nx',
    'http://localhost:3000@evil.example/',
    '/relative',
    'data:text/html,x',
  ),
  fc.webUrl(),
)

const junkValue = fc.oneof(fc.string({ maxLength: 60 }), fc.integer().map(String), urlish, secretish)

/** A key: one the route's schema names, a common one, or any. */
function keyFor(named: readonly string[], common: readonly string[]): fc.Arbitrary<string> {
  const known = fc.constantFrom(...common)
  return named.length === 0
    ? fc.oneof({ weight: 5, arbitrary: known }, fc.string({ maxLength: 10 }))
    : fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...named) },
        { weight: 2, arbitrary: known },
        fc.string({ maxLength: 10 }),
      )
}

const query = (route: Target) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    {
      weight: 5,
      arbitrary: fc
        .array(fc.tuple(keyFor(route.queryKeys, QUERY_KEYS), junkValue), { maxLength: 4 })
        .map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('?', '?&&', '?=x', '?token=%E0%A4%A', `?${'q'.repeat(4000)}=1`, '?a=1&a=2'),
    },
  )

const origin = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('http://localhost:3000', 'https://evil.example', 'null', 'http://localhost:8787', 'file://'),
  fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
)

const cookie: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'forged' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        secretish,
        secretish.map((s) => `${s}.${s}`),
        secretish.map((s) => `${s}%`),
        secretish.map((s) => `"${s}"`),
        secretish.map((s) => `${s}\u00e9`),
      )
      .map((value) => ({ kind: 'junk' as const, value })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(secretish, fc.integer({ min: 200, max: 2000 }))
      .map(([value, repeat]) => ({ kind: 'oversized' as const, value, repeat })),
  },
)

const cookiePair = fc.tuple(
  fc.oneof(
    fc.constantFrom('better-auth.session_data', 'better-auth.dont_remember', 'x'),
    fc.stringMatching(/^\w{1,12}$/),
  ),
  fc.stringMatching(/^[\w.%-]{0,40}$/),
)

const base64urlPart = fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/)
const jwtShaped = fc
  .tuple(
    fc.constantFrom('eyJhbGciOiJub25lIn0', 'eyJhbGciOiJFZERTQSIsImtpZCI6IngifQ', 'eyJhbGciOiJIUzI1NiJ9', 'e30'),
    base64urlPart,
    base64urlPart,
  )
  .map((parts) => parts.join('.'))

const authorization: fc.Arbitrary<Authorization> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'bearer' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'jwt' as const }) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        secretish.map((s) => `Bearer ${s}`),
        secretish.map((s) => `Bearer ${s}.${s}`),
        jwtShaped.map((s) => `Bearer ${s}`),
        secretish.map((s) => `Basic ${s}`),
        fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Bearer a b', `Bearer ${'A'.repeat(9000)}`),
      )
      .map((value) => ({ kind: 'raw' as const, value })),
  },
)

const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data',
    'multipart/form-data; boundary=x',
    'application/xml',
    '*/*',
    'application/json; charset=bogus',
    '',
  ),
)

const FIELD_NAMES = [
  'email',
  'password',
  'name',
  'image',
  'callbackURL',
  'rememberMe',
  'token',
  'currentPassword',
  'newPassword',
  'revokeOtherSessions',
  'newEmail',
  'provider',
  'idToken',
  'sessionId',
  'userId',
  'accountId',
  'providerId',
  'disableRedirect',
  'errorCallbackURL',
  'redirectTo',
]

const fieldValue = fc.oneof(
  junkValue,
  fc.constantFrom(OWN.email, OWN.password, OWN.userId, OWN.sessionId, 'correct horse battery', 'user@example.com'),
  fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}, { $ne: null }, ['a']),
  fc.jsonValue({ maxDepth: 2 }),
)

const body = (route: Target): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom('', '{', '{"email":', 'null', '[]', '""', 'email=a&password=b', '\u0000', '\ufeff{}'),
          fc.string({ maxLength: 100 }),
        )
        .map((value) => ({ kind: 'text' as const, value })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })) },
    {
      weight: 5,
      arbitrary: fc
        .dictionary(keyFor(route.fields, FIELD_NAMES), fieldValue, { maxKeys: 6 })
        .map((value) => ({ kind: 'fields' as const, value })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...FIELD_NAMES), fc.integer({ min: 1_000, max: 60_000 }))
        .map(([field, length]) => ({ kind: 'huge' as const, field, length })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'over-limit' as const }) },
  )

function paramCount(path: string): number {
  return path.split('/').filter((part) => part.startsWith(':')).length
}

/**
 * Requests over the routes of `map`: most on a route with its own method, some with another
 * method, some under a mount with a path no route names.
 *
 * @example
 * fc.assert(fc.asyncProperty(fuzzRequest(publicRoutes(bindings)), async (request) => { … }))
 */
export function fuzzRequest(map: RouteMap): fc.Arbitrary<FuzzRequest> {
  const prefixRoutes: Target[] = map.prefixes.map((prefix) => ({
    method: 'GET',
    path: prefix,
    owner: 'prefix',
    fields: [],
    queryKeys: [],
  }))
  const target = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom<Target>(...map.routes) },
    { weight: 1, arbitrary: fc.constantFrom(...prefixRoutes) },
  )
  return target.chain((route) =>
    fc.record({
      route: fc.constant(route),
      method: fc.oneof({ weight: 4, arbitrary: fc.constant(route.method) }, fc.constantFrom(...METHODS)),
      params: fc.array(segment, { minLength: paramCount(route.path), maxLength: paramCount(route.path) }),
      suffix:
        route.owner === 'prefix'
          ? fc.array(oddSegment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'))
          : fc.oneof({ weight: 9, arbitrary: fc.constant('') }, fc.constantFrom('/', '//', '/x', '/..')),
      query: query(route),
      origin,
      cookie,
      extraCookies: fc.array(cookiePair, { maxLength: 2 }),
      authorization,
      contentType,
      body: body(route),
    }),
  )
}
