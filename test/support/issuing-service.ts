/**
 * The service as the documentation's snippets meet it: the Worker in workerd at its own URL
 * (`http://127.0.0.1:<port>`, its BETTER_AUTH_URL), so the tokens it issues name that URL as `iss`
 * and `aud`, and verifiers fetch its JWKS from there.
 */
import { type TestService, uniqueEmail, useService } from './service.ts'

/**
 * The service for the enclosing `describe`, on PGlite.
 *
 * @example
 * const running = useIssuingService()
 * it('…', async () => { const { jwt } = await newUser(running.service) })
 */
export function useIssuingService(): { readonly service: TestService<'workerd'> } {
  return useService('pglite', {}, { target: 'workerd', host: '127.0.0.1' })
}

/** A new user of `service`, signed up, with a fresh access token (`GET /api/auth/token`). */
export async function newUser(service: TestService): Promise<{ userId: string; jwt: string }> {
  const client = service.client()
  const signUp = await client.signUp(uniqueEmail('readme'))
  if (signUp.status !== 200) throw new Error(`sign-up answered ${signUp.status}`)
  const { user } = (await signUp.json()) as { user: { id: string } }
  const token = await client.request('/api/auth/token')
  if (token.status !== 200) throw new Error(`/api/auth/token answered ${token.status}`)
  return { userId: user.id, jwt: ((await token.json()) as { token: string }).token }
}
