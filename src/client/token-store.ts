/**
 * Where the browser client keeps the bearer fallback token (the `set-auth-token` header): a
 * session token, good for the session's lifetime (7 days) to whoever holds it.
 *
 * - `session` (default): memory plus `sessionStorage`. Survives reloads of the tab, not its closing;
 *   each tab holds its own. Any script on the page can read it while the tab is open.
 * - `memory`: this page load only; a reload falls back to the cookie alone.
 * - `local`: memory plus `localStorage`. Survives restarts and is shared by every tab of the origin,
 *   so every script ever run on the origin (a compromised dependency, an XSS) can take it for days.
 *   Choose it only where cookies cannot work at all and every script on the origin is trusted.
 * - your own `TokenStore`.
 *
 * Browser storage is reached lazily and defensively: nothing is touched at import (SSR), and a
 * storage that is missing or throws (sandboxed frames, blocked storage) leaves memory alone.
 */

export interface TokenStore {
  get(): string | null
  set(token: string): void
  clear(): void
}

export type TokenStorage = 'session' | 'memory' | 'local' | TokenStore

type WebStorageName = 'sessionStorage' | 'localStorage'

function webStorage(name: WebStorageName): Storage | null {
  try {
    return (globalThis as { [key in WebStorageName]?: Storage })[name] ?? null
  } catch {
    return null
  }
}

/**
 * Memory, backed by a web storage when there is one: the storage is the truth while it works (it
 * may be shared with other tabs); once it throws (blocked, full), memory alone from then on.
 */
function layeredStore(backing: WebStorageName | null, key: string): TokenStore {
  let memory: string | null = null
  let broken = backing === null
  function withStorage<T>(use: (storage: Storage) => T): T | undefined {
    if (broken) return undefined
    try {
      const storage = webStorage(backing!)
      return storage ? use(storage) : undefined
    } catch {
      broken = true
      return undefined
    }
  }
  return {
    get() {
      const stored = withStorage((storage) => storage.getItem(key))
      return stored === undefined ? memory : stored
    },
    set(token) {
      memory = token
      withStorage((storage) => storage.setItem(key, token))
    },
    clear() {
      memory = null
      withStorage((storage) => storage.removeItem(key))
    },
  }
}

/**
 * The token store for a storage choice; `key` names the entry in web storage.
 *
 * @example
 * const store = createTokenStore('session', 'edge-auth:bearer:https://auth.example.com')
 * store.set(response.headers.get('set-auth-token')!)
 */
export function createTokenStore(storage: TokenStorage, key: string): TokenStore {
  if (typeof storage === 'object') return storage
  if (storage === 'memory') return layeredStore(null, key)
  if (storage === 'local') return layeredStore('localStorage', key)
  return layeredStore('sessionStorage', key)
}
