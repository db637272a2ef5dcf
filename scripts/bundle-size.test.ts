import { describe, expect, it } from 'vitest'
import { packageOf } from './bundle-size.ts'

describe('packageOf', () => {
  it('names the npm package of a bundled input, scoped or not, and our own files by top folder', () => {
    expect(packageOf('node_modules/better-auth/dist/api/index.mjs')).toBe('better-auth')
    expect(packageOf('node_modules/@better-auth/core/dist/social-providers/github.mjs')).toBe('@better-auth/core')
    expect(packageOf('node_modules/.pnpm/zod@4.1.0/node_modules/zod/v4/core/core.js')).toBe('zod')
    expect(packageOf('src/auth/index.ts')).toBe('src')
  })
})
