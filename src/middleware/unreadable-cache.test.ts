import { describe, expect, it } from 'vitest'
import { withoutUnreadableCache } from './unreadable-cache.ts'

const NAME = '__Secure-better-auth.session_data'

describe('withoutUnreadableCache', () => {
  it('leaves a header alone when every cache cookie is base64url', () => {
    expect(withoutUnreadableCache(`a=1; ${NAME}=eyJzZXNzaW9uIjp7fX0`, NAME)).toBeNull()
    expect(withoutUnreadableCache(`${NAME}.0=eyJz; ${NAME}.1=ZXNz`, NAME)).toBeNull()
    expect(withoutUnreadableCache('a=%; b=2', NAME)).toBeNull()
    expect(withoutUnreadableCache(null, NAME)).toBeNull()
  })

  it('drops a cache cookie (or chunk) with any other character and keeps the rest', () => {
    expect(withoutUnreadableCache(`${NAME}=%; __Secure-better-auth.session_token=t.s%3D`, NAME)).toBe(
      '__Secure-better-auth.session_token=t.s%3D',
    )
    expect(withoutUnreadableCache(`${NAME}.0=abc; ${NAME}.1=a+b/c; x=1`, NAME)).toBe(`${NAME}.0=abc; x=1`)
  })
})
