/**
 * The frontend code for the mail flows of docs/email.md ("Email verification, password reset and sign-in
 * codes"), run as written against the service in-process with mail in a real maildev: the snippet
 * is written to a module with only the service's URL changed and, for Node, memory token storage
 * and the Origin header a browser on the site sends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { codeBlock, DOCS_SERVICE_URL, replaceExactly } from '../support/docs.ts'
import { pathOf, useMailService } from '../support/mail-service.ts'
import { codeIn, linkIn } from '../support/maildev.ts'
import { uniqueEmail } from '../support/service.ts'

const SITE = 'http://localhost:3000'
const CLIENT = fileURLToPath(new URL('../../src/client/index.ts', import.meta.url))
const scratch = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.readme-email-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Node's fetch sends no Origin; a browser on the site would. */
const BROWSER_FETCH = `(input: RequestInfo | URL, init?: RequestInit) => {
  const headers = new Headers(init?.headers)
  headers.set('origin', ${JSON.stringify(SITE)})
  return fetch(input, { ...init, headers })
}`

type Snippet = {
  signUp(site: string, email: string, password: string, name: string): Promise<string>
  requestReset(site: string, email: string): Promise<string>
  resetPassword(pageUrl: string, newPassword: string): Promise<string>
  sendCode(email: string): Promise<void>
  signInWithCode(email: string, otp: string): Promise<string>
}

describe('the mail flows of docs/email.md, as written', () => {
  const running = useMailService('pglite', {}, { target: 'in-process' })

  async function loadSnippet(): Promise<Snippet> {
    let code = codeBlock('docs/email.md', '# Email verification, password reset and sign-in codes', 'ts')
    code = replaceExactly(code, `'edge-auth/client'`, JSON.stringify(CLIENT), 1)
    code = replaceExactly(
      code,
      `baseURL: '${DOCS_SERVICE_URL}',`,
      `baseURL: ${JSON.stringify(running.service.url)}, tokenStorage: 'memory', fetch: ${BROWSER_FETCH},`,
      1,
    )
    const file = join(scratch, `snippet-${Date.now()}.ts`)
    writeFileSync(file, code)
    return import(file)
  }

  it('signs up, resets the password from the mailed link, and signs in by mailed code', async () => {
    const { service, inbox } = running
    const snippet = await loadSnippet()
    const email = uniqueEmail()
    expect(await snippet.signUp(SITE, email, 'correct horse battery', 'Ada')).toBe(
      'Check your inbox for a link to finish signing up.',
    )
    const link = linkIn(await inbox.next(email), 'http')
    expect(new URL(link).searchParams.get('callbackURL')).toBe(`${SITE}/welcome`)
    expect((await service.client().request(pathOf(link))).status).toBe(302)

    expect(await snippet.requestReset(SITE, email)).toBe('If that address has an account, a reset link is on its way.')
    const landing = await service.client().request(pathOf(linkIn(await inbox.next(email, { count: 2 }), 'http')))
    const page = landing.headers.get('location')!
    expect(page.startsWith(`${SITE}/reset?token=`)).toBe(true)
    expect(await snippet.resetPassword(page, 'a brand new password')).toBe('Password changed: sign in with it.')
    expect((await service.client().signIn(email, 'a brand new password')).status).toBe(200)

    await snippet.sendCode(email)
    const otp = codeIn(await inbox.next(email, { count: 3 }))
    expect(await snippet.signInWithCode(email, otp)).toBe(`Signed in as ${email}`)
  })
})
