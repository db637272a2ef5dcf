import { describe, expect, it } from 'vitest'
import { createOriginMatcher, type OriginPattern, parseOriginPattern } from './origins.ts'

function patterns(...entries: string[]): OriginPattern[] {
  return entries.map((entry) => {
    const parsed = parseOriginPattern(entry)
    if (!parsed.ok) throw new Error(parsed.problem)
    return parsed.pattern
  })
}

describe('parseOriginPattern', () => {
  it.each([
    ['https://docs.example.com/', 'https://docs.example.com'],
    ['HTTP://LOCALHOST:3000', 'http://localhost:3000'],
    ['https://example.com:443', 'https://example.com'],
    ['https://*.Example.com', 'https://*.example.com'],
  ])('normalises %s', (entry, value) => {
    const parsed = parseOriginPattern(entry)
    expect(parsed.ok && parsed.pattern.value).toBe(value)
  })

  it.each([
    'docs.example.com',
    'ftp://example.com',
    'https://example.com/docs',
    'https://a.*.example.com',
    'https://*.com',
    'https://ex ample.com',
    'https://example.com?x=1',
    'https://*-team.vercel.app',
  ])('rejects %s', (entry) => {
    expect(parseOriginPattern(entry).ok).toBe(false)
  })

  it.each([
    'https://*.vercel.app',
    'https://*.github.io',
    'https://*.workers.dev',
    'https://*.pages.dev',
    'https://*.co.uk',
    'https://*.compute.amazonaws.com',
  ])('rejects %s: a wildcard over a public suffix trusts everyone', (entry) => {
    const parsed = parseOriginPattern(entry)
    expect(parsed).toEqual({ ok: false, problem: expect.stringContaining('public suffix') })
    if (!parsed.ok) expect(parsed.problem).toContain('anyone could deploy a frontend there and be trusted')
  })

  it.each([
    ['https://*.example.com', 'example.com'],
    ['https://*.preview.example.com', 'preview.example.com'],
    ['https://*.me.github.io', 'me.github.io'],
    ['https://*.example.co.uk', 'example.co.uk'],
  ])('accepts %s, a wildcard within one registrable domain', (entry, host) => {
    expect(parseOriginPattern(entry)).toMatchObject({ ok: true, pattern: { wildcard: true, host } })
  })
})

describe('createOriginMatcher', () => {
  const isTrusted = createOriginMatcher(
    patterns('https://docs.example.com', 'https://*.preview.example.com', 'http://localhost:3000'),
  )

  it.each([
    ['https://docs.example.com', true],
    ['https://DOCS.example.com', true],
    ['https://a.preview.example.com', true],
    ['https://a.b.preview.example.com', true],
    ['https://preview.example.com', false],
    ['http://docs.example.com', false],
    ['https://docs.example.com.evil.com', false],
    ['https://evilpreview.example.com', false],
    ['http://localhost:3000', true],
    ['http://localhost:3001', false],
    ['null', false],
    [undefined, false],
  ])('%s → %s', (origin, expected) => {
    expect(isTrusted(origin)).toBe(expected)
  })
})
