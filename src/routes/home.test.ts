import { describe, expect, it } from 'vitest'
import { createApp } from '../app.ts'

const app = createApp({ waitUntil: () => {} })

async function home(url: string) {
  const response = await app.request(url, {}, {})
  return { response, text: await response.text() }
}

describe('GET /', () => {
  it('answers a person with HTML pointing at health, even with no configuration at all', async () => {
    const { response, text } = await home('https://auth.example.com/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(text).toContain('href="/health/auth"')
    expect(text).toContain('/api/auth/get-session')
    expect(text).not.toContain('maildev')
  })

  it("on loopback, links npm run dev's inbox for this port", async () => {
    expect((await home('http://localhost:8787/')).text).toContain('href="http://127.0.0.1:1080"')
    expect((await home('http://localhost:8795/')).text).toContain('href="http://127.0.0.1:1088"')
  })

  it('says what went wrong with a verification link, echoing nothing of the request', async () => {
    expect((await home('http://localhost:8787/?error=TOKEN_EXPIRED')).text).toContain('has expired')
    const { text } = await home('http://localhost:8787/?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    expect(text).toContain('This link did not work.')
    expect(text).not.toContain('<script>')
  })
})
