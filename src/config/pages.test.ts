import { describe, expect, it } from 'vitest'
import { DEFAULT_BRAND_COLOR, parsePagesConfig } from './pages.ts'

function parse(env: Record<string, string>) {
  const problems: { variable: string; problem: string }[] = []
  return { config: parsePagesConfig(env, problems), problems }
}

describe('parsePagesConfig', () => {
  it('is on with the default colour and no logo when nothing is set', () => {
    expect(parse({})).toEqual({
      config: { enabled: true, brandColor: DEFAULT_BRAND_COLOR, logoUrl: undefined },
      problems: [],
    })
  })

  it('takes PAGES=off, a CSS colour and an https logo', () => {
    for (const color of ['#0a7', '#00aa77', 'rebeccapurple', 'rgb(0, 120, 80)', 'hsl(150 60% 30%)']) {
      expect(parse({ BRAND_COLOR: color }).config.brandColor).toBe(color)
    }
    const { config } = parse({ PAGES: 'OFF', LOGO_URL: 'https://cdn.example.com/logo.svg' })
    expect(config).toMatchObject({ enabled: false, logoUrl: 'https://cdn.example.com/logo.svg' })
  })

  it('names a colour that could break out of the stylesheet, an http logo and an unknown PAGES', () => {
    const { problems } = parse({
      BRAND_COLOR: 'red;}body{display:none',
      LOGO_URL: 'http://cdn.example.com/logo.svg',
      PAGES: 'maybe',
    })
    expect(problems.map((p) => p.variable).sort()).toEqual(['BRAND_COLOR', 'LOGO_URL', 'PAGES'])
    expect(JSON.stringify(problems)).not.toContain('display:none')
  })
})
