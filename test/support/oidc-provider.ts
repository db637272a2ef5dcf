/**
 * A real OpenID provider on loopback for tests: panva's `oidc-provider` with one registered
 * confidential client, PKCE required on every flow, and users the test adds. Its interaction pages
 * are ours and minimal: a login page (pick the user, "Sign in") and a consent page ("Allow" /
 * "Deny"), plain HTML forms a browser can click and `signInAt` drives programmatically.
 */

import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

export interface TestUser {
  readonly id: string
  readonly email: string
  readonly emailVerified: boolean
  readonly name: string
}

export interface TestIdentityProvider {
  /** The issuer, `http://localhost:<port>` (loopback, so plain HTTP is allowed). */
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  /** The service bindings pointing at this provider. */
  readonly bindings: Record<string, string>
  addUser(user: Omit<TestUser, 'id'> & { id?: string }): TestUser
  /** Answers every request with 503 until `up(true)` (the provider is down). */
  up(available: boolean): void
  close(): Promise<void>
}

/** A cookie-keeping, non-redirecting fetch for the provider's pages (one browser's provider cookies). */
class ProviderBrowser {
  private readonly cookies = new Map<string, string>()

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '))
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }
}

/**
 * Drives the provider's pages from an authorization URL as a user would: logs in as `userId`
 * and allows (or denies) consent. Resolves to the URL the provider redirects to at the end (the
 * service's callback with `code` and `state`, or with `error`), without requesting it.
 *
 * @example
 * const callback = await signInAt(authorizationURL, user.id)
 * await service.request(`${callback.pathname}${callback.search}`, { headers: { cookie } })
 */
export async function signInAt(
  authorizationURL: string,
  userId: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<URL> {
  const browser = new ProviderBrowser()
  const issuerOrigin = new URL(authorizationURL).origin
  let next = authorizationURL
  for (let step = 0; step < 12; step += 1) {
    const url = new URL(next, issuerOrigin)
    if (url.origin !== issuerOrigin) return url
    const response = await browser.fetch(url.toString())
    const location = response.headers.get('location')
    if (location) {
      next = new URL(location, url).toString()
      continue
    }
    if (response.status !== 200 || !url.pathname.startsWith('/interaction/')) {
      throw new Error(`the provider answered ${response.status} at ${url.pathname}: ${await response.text()}`)
    }
    await response.body?.cancel()
    const submitted = await browser.fetch(url.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: userId, decision }).toString(),
    })
    const after = submitted.headers.get('location')
    if (!after) throw new Error(`the interaction answered ${submitted.status}: ${await submitted.text()}`)
    next = new URL(after, url).toString()
  }
  throw new Error('the provider did not redirect back within 12 steps')
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
    })
    req.on('end', () => resolve(new URLSearchParams(body)))
    req.on('error', reject)
  })
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(res: ServerResponse, title: string, body: string) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
  res.end(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`)
}

/**
 * Starts the provider on a free loopback port, its client allowed to redirect to `redirectURIs`
 * (the service's `/api/auth/callback/oidc`).
 *
 * @example
 * const idp = await startIdentityProvider(['http://localhost:8787/api/auth/callback/oidc'])
 * const user = idp.addUser({ email: 'ada@example.com', emailVerified: true, name: 'Ada' })
 */
export async function startIdentityProvider(redirectURIs: readonly string[]): Promise<TestIdentityProvider> {
  const users = new Map<string, TestUser>()
  const clientId = 'edge-auth-test'
  const clientSecret = randomBytes(24).toString('base64url')
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' }
  let available = true

  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://localhost:${(server.address() as { port: number }).port}`

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...redirectURIs],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    async findAccount(_ctx: unknown, sub: string) {
      const user = users.get(sub)
      if (!user) return undefined
      return {
        accountId: sub,
        claims: async () => ({ sub, email: user.email, email_verified: user.emailVerified, name: user.name }),
      }
    },
  })
  const callback = provider.callback()

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res)
    const { prompt, params } = details
    if (req.method === 'GET') {
      if (prompt.name === 'login') {
        const options = [...users.values()]
          .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.email)}</option>`)
          .join('')
        return page(
          res,
          'Sign in to the test provider',
          `<form method="post"><select name="user">${options}</select><input type="hidden" name="decision" value="allow"><button type="submit">Sign in</button></form>`,
        )
      }
      return page(
        res,
        `Allow ${escapeHtml(String(params.client_id))} to know who you are`,
        `<form method="post"><input type="hidden" name="user" value=""><button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`,
      )
    }
    const form = await readForm(req)
    if (form.get('decision') === 'deny') {
      return provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'The user denied the request',
      })
    }
    if (prompt.name === 'login') {
      const accountId = form.get('user') ?? ''
      if (!users.has(accountId)) throw new Error('no such test user')
      return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false })
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session!.accountId, clientId: String(params.client_id) })
    const missing = prompt.details.missingOIDCScope as string[] | undefined
    if (missing) grant!.addOIDCScope(missing.join(' '))
    const missingClaims = prompt.details.missingOIDCClaims as string[] | undefined
    if (missingClaims) grant!.addOIDCClaims(missingClaims)
    const grantId = await grant!.save()
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
  }

  server.on('request', (req, res) => {
    if (!available) {
      res.writeHead(503, { 'content-type': 'text/plain' })
      return void res.end('down for a test')
    }
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(String(error))
      })
      return
    }
    callback(req, res)
  })

  return {
    issuer,
    clientId,
    clientSecret,
    bindings: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret },
    addUser(input) {
      const user: TestUser = { ...input, id: input.id ?? randomBytes(8).toString('hex') }
      users.set(user.id, user)
      return user
    },
    up(value) {
      available = value
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
