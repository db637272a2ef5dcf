/**
 * The token stores on Node's own Web Storage (`--experimental-webstorage`: a real `sessionStorage`,
 * and a `localStorage` that throws on access when no file backs it, like blocked storage), in a
 * child process so that no other test sees those globals.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTokenStore } from './token-store.ts'

const MODULE = new URL('./token-store.ts', import.meta.url).href

function inWebStorageNode(script: string): unknown {
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--experimental-webstorage', '--no-warnings', '--input-type=module', '-e', script],
    { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 20_000 },
  )
  if (result.status !== 0) throw new Error(result.stderr)
  return JSON.parse(result.stdout)
}

describe('token stores', () => {
  it('keeps the default in sessionStorage, under its key, and clears it there', () => {
    const seen = inWebStorageNode(`
      import { createTokenStore } from '${MODULE}'
      const store = createTokenStore('session', 'edge-auth:bearer:https://auth.example.com')
      const before = store.get()
      store.set('token.sig')
      const stored = sessionStorage.getItem('edge-auth:bearer:https://auth.example.com')
      const again = createTokenStore('session', 'edge-auth:bearer:https://auth.example.com').get()
      store.clear()
      console.log(JSON.stringify({ before, stored, again, after: sessionStorage.length }))
    `)
    expect(seen).toEqual({ before: null, stored: 'token.sig', again: 'token.sig', after: 0 })
  })

  it('never writes to localStorage unless asked', () => {
    const seen = inWebStorageNode(`
      import { createTokenStore } from '${MODULE}'
      let touched = false
      Object.defineProperty(globalThis, 'localStorage', { get() { touched = true; return undefined } })
      for (const kind of ['session', 'memory']) createTokenStore(kind, 'k').set('t')
      console.log(JSON.stringify({ touched, session: sessionStorage.getItem('k') }))
    `)
    expect(seen).toEqual({ touched: false, session: 't' })
  })

  it('falls back to memory where the storage throws', () => {
    const seen = inWebStorageNode(`
      import { createTokenStore } from '${MODULE}'
      let threw = false
      try { localStorage.getItem('x') } catch { threw = true }
      const store = createTokenStore('local', 'k')
      store.set('t')
      const kept = store.get()
      store.clear()
      console.log(JSON.stringify({ threw, kept, cleared: store.get() }))
    `)
    expect(seen).toEqual({ threw: true, kept: 't', cleared: null })
  })

  it('keeps memory only without web storage (server-side rendering, this process)', () => {
    expect('sessionStorage' in globalThis).toBe(false)
    const store = createTokenStore('session', 'k')
    expect(store.get()).toBeNull()
    store.set('t')
    expect(store.get()).toBe('t')
    store.clear()
    expect(store.get()).toBeNull()
    expect(createTokenStore('memory', 'k').get()).toBeNull()
  })
})
