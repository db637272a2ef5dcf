/**
 * The `/api/auth/*` route: BetterAuth's handler, with credentials from older secrets re-signed
 * first, and every null get-session diagnosed and logged (rate-limited).
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app.ts'
import { createNullSessionLogger } from '../diagnostics/null-session-log.ts'
import { diagnoseSession } from '../diagnostics/session.ts'
import { handleNotFound } from '../errors.ts'
import type { Runtime } from '../runtime.ts'
import { checkSigningKey } from '../tokens/signing-key.ts'

const GET_SESSION_PATH = '/api/auth/get-session'
const TOKEN_PATH = '/api/auth/token'
const logNullSession = createNullSessionLogger()

async function reportNullSession(runtime: Runtime, request: Request, response: Response): Promise<void> {
  if (response.status !== 200) return
  if ((await response.clone().text()).trim() !== 'null') return
  logNullSession(await diagnoseSession(runtime, request))
}

/**
 * @example
 * app.on(['GET', 'POST'], '/api/auth/*', handleAuthRequest)
 */
export async function handleAuthRequest(c: Context<AppEnv>): Promise<Response> {
  const runtime = c.var.runtime
  const { request, finish } = await runtime.upgradeCredentials(c.req.raw)
  const response = finish(await runtime.auth.handler(request))
  // BetterAuth answers paths it does not know with an empty 404; ours are JSON.
  if (response.status === 404 && !response.headers.get('content-type')) return handleNotFound(c)
  if (response.status >= 500 && c.req.path === TOKEN_PATH) {
    const key = await checkSigningKey(runtime)
    if (key.decryptable === false) {
      return c.json({ error: 'SIGNING_KEY_UNDECRYPTABLE', message: key.problem, keyId: key.keyId }, 503)
    }
  }
  if (c.req.method === 'GET' && c.req.path === GET_SESSION_PATH) {
    const report = reportNullSession(runtime, c.req.raw, response).catch(() => undefined)
    const executionCtx = (() => {
      try {
        return c.executionCtx
      } catch {
        return undefined
      }
    })()
    if (executionCtx) executionCtx.waitUntil(report)
    else await report
  }
  return response
}
