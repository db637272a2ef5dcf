import { describe, expect, it } from 'vitest'
import { normalizeEmail } from './email.ts'

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Ada@Example.com ')).toBe('ada@example.com')
    expect(normalizeEmail('\tADA@EXAMPLE.COM\n')).toBe('ada@example.com')
    expect(normalizeEmail('ada@example.com')).toBe('ada@example.com')
  })
})
