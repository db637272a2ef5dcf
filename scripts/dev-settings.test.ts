import { describe, expect, it } from 'vitest'
import { ENV_VARIABLES } from '../src/config/env.ts'
import { devSettings, needsRandomSecret, parseEnvFile, serializeEnvFile } from './dev-settings.ts'

const devVars = (entries: Record<string, string>) => new Map(Object.entries(entries))

describe('devSettings', () => {
  it('lets the environment override .dev.vars for every variable the service reads', () => {
    const fromFile = devVars(Object.fromEntries(ENV_VARIABLES.map((name) => [name, `file-${name}`])))
    const env = Object.fromEntries(ENV_VARIABLES.map((name) => [name, `env-${name}`]))
    expect(Object.fromEntries(devSettings(fromFile, env))).toEqual(env)
  })

  it('keeps .dev.vars where the environment is silent, and nothing else of the environment', () => {
    const settings = devSettings(devVars({ JWT_TTL: '10m', EXTRA: 'x' }), {
      TRUSTED_ORIGINS: 'http://a.test',
      HOME: '/h',
    })
    expect(Object.fromEntries(settings)).toEqual({ JWT_TTL: '10m', EXTRA: 'x', TRUSTED_ORIGINS: 'http://a.test' })
  })

  it('takes the secret wholly from the environment when it gives either variable', () => {
    const both = devVars({ BETTER_AUTH_SECRET: 'file-single', BETTER_AUTH_SECRETS: '1:file-versioned' })
    expect(Object.fromEntries(devSettings(both, { BETTER_AUTH_SECRETS: '2:new,1:old' }))).toEqual({
      BETTER_AUTH_SECRETS: '2:new,1:old',
    })
    expect(Object.fromEntries(devSettings(both, { BETTER_AUTH_SECRET: 'env-single' }))).toEqual({
      BETTER_AUTH_SECRET: 'env-single',
    })
  })

  it('takes the secret wholly from .dev.vars when the environment gives neither', () => {
    const both = { BETTER_AUTH_SECRET: 'file-single', BETTER_AUTH_SECRETS: '2:new,1:old' }
    expect(Object.fromEntries(devSettings(devVars(both), { JWT_TTL: '60' }))).toEqual({ ...both, JWT_TTL: '60' })
  })
})

describe('needsRandomSecret', () => {
  it('only when neither the environment nor .dev.vars gives a secret', () => {
    expect(needsRandomSecret(devVars({}), {})).toBe(true)
    expect(needsRandomSecret(devVars({ BETTER_AUTH_SECRET: '' }), {})).toBe(true)
    expect(needsRandomSecret(devVars({}), { BETTER_AUTH_SECRET: 's' })).toBe(false)
    expect(needsRandomSecret(devVars({}), { BETTER_AUTH_SECRETS: '1:s' })).toBe(false)
    expect(needsRandomSecret(devVars({ BETTER_AUTH_SECRET: 's' }), {})).toBe(false)
    expect(needsRandomSecret(devVars({ BETTER_AUTH_SECRETS: '1:s' }), {})).toBe(false)
  })
})

describe('env files', () => {
  it('read back what they wrote, quoted or not', () => {
    const values = devVars({ BETTER_AUTH_URL: 'http://localhost:8787', TRUSTED_ORIGINS: 'http://a.test,http://b.test' })
    expect(parseEnvFile(serializeEnvFile(values))).toEqual(values)
    expect(parseEnvFile('# comment\nJWT_TTL = 15m \nCOOKIE_MODE="auto"\n')).toEqual(
      devVars({ JWT_TTL: '15m', COOKIE_MODE: 'auto' }),
    )
  })
})
