import { describe, expect, it } from 'vitest'
import { withNormalEmails } from './email-spelling.ts'

describe('withNormalEmails', () => {
  it('normalises email and newEmail, and keeps every other field', () => {
    expect(withNormalEmails({ email: '  Ada@Example.com ', password: ' p ' })).toEqual({
      email: 'ada@example.com',
      password: ' p ',
    })
    expect(withNormalEmails({ newEmail: 'B@Example.com' })).toEqual({ newEmail: 'b@example.com' })
  })

  it('changes nothing when every address is already normal, or there is none', () => {
    for (const body of [{ email: 'ada@example.com' }, { email: 42 }, {}, null, 'text', undefined]) {
      expect(withNormalEmails(body)).toBeUndefined()
    }
  })
})
