/**
 * A Worker in workerd whose BETTER_AUTH_URL is its real address, as in a deployment: the tokens it
 * issues name that URL as `iss` and `aud`, and verifiers fetch its JWKS from there.
 */
import { afterAll, beforeAll } from 'vitest'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { backendNamed } from './backends.ts'
import { TestClient } from './client.ts'
import { serviceBindings, uniqueEmail } from './service.ts'
import { freePort, type RunningWorker, startWorker, TEST_BUNDLE_DIR } from './worker.ts'

export interface IssuingService {
  /** e.g. `http://127.0.0.1:41234`: BETTER_AUTH_URL, the issuer and the audience. */
  readonly url: string
  readonly endpoint: LocalNeon
  /** A new user, signed up, with a fresh access token (`GET /api/auth/token`). */
  newUser(): Promise<{ userId: string; jwt: string }>
}

/**
 * The service for the enclosing `describe`, on PGlite.
 *
 * @example
 * const running = useIssuingService()
 * it('…', async () => { const { jwt } = await running.service.newUser() })
 */
export function useIssuingService(): { readonly service: IssuingService } {
  const backend = backendNamed('pglite')
  let endpoint: LocalNeon | undefined
  let worker: RunningWorker | undefined
  beforeAll(async () => {
    endpoint = await backend.start()
    const port = await freePort()
    const bindings = serviceBindings(endpoint, { BETTER_AUTH_URL: `http://127.0.0.1:${port}` })
    worker = await startWorker(bindings, `${TEST_BUNDLE_DIR}/index.js`, { port })
  })
  afterAll(async () => {
    await worker?.stop()
    await endpoint?.close()
    await backend.cleanup()
  })
  const service: IssuingService = {
    get url() {
      return started().worker.url
    },
    get endpoint() {
      return started().endpoint
    },
    async newUser() {
      const client = new TestClient(started().worker.url)
      const signUp = await client.signUp(uniqueEmail('readme'))
      if (signUp.status !== 200) throw new Error(`sign-up answered ${signUp.status}`)
      const { user } = (await signUp.json()) as { user: { id: string } }
      const token = await client.request('/api/auth/token')
      if (token.status !== 200) throw new Error(`/api/auth/token answered ${token.status}`)
      return { userId: user.id, jwt: ((await token.json()) as { token: string }).token }
    },
  }
  function started() {
    if (!worker || !endpoint) throw new Error('the service starts in beforeAll; use it inside a test')
    return { worker, endpoint }
  }
  return { service }
}
