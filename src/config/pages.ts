/**
 * The hosted pages (routes/pages/): PAGES turns them off, BRAND_COLOR and LOGO_URL theme them.
 * BRAND_COLOR lands in a stylesheet, so only plain colour syntax passes: a hex colour, a named
 * colour, or rgb()/hsl() with numbers, never anything that could close the declaration.
 */
import type { EnvBindings } from './env.ts'

export interface PagesConfig {
  readonly enabled: boolean
  /** A CSS colour for buttons and links. */
  readonly brandColor: string
  /** An https URL of the logo image, or undefined for none. */
  readonly logoUrl: string | undefined
}

export const DEFAULT_BRAND_COLOR = '#2f5bd3'

const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i
const NAMED = /^[a-z]{3,20}$/i
const FUNCTIONAL = /^(?:rgba?|hsla?)\(\s*[\d.%\s,/+-]+\)$/i

/** Whether a value is a colour this parser lets into the pages' stylesheet. */
export function isCssColor(value: string): boolean {
  return HEX.test(value) || NAMED.test(value) || FUNCTIONAL.test(value)
}

function parseLogoUrl(value: string | undefined, problems: { variable: string; problem: string }[]) {
  if (!value?.trim()) return undefined
  try {
    const url = new URL(value.trim())
    if (url.protocol === 'https:') return url.toString()
  } catch {
    problems.push({ variable: 'LOGO_URL', problem: 'is not a valid URL' })
    return undefined
  }
  problems.push({ variable: 'LOGO_URL', problem: 'must use https' })
  return undefined
}

/**
 * @example
 * parsePagesConfig({ BRAND_COLOR: '#0a7' }, problems) // { enabled: true, brandColor: '#0a7', logoUrl: undefined }
 */
export function parsePagesConfig(env: EnvBindings, problems: { variable: string; problem: string }[]): PagesConfig {
  const setting = (env.PAGES?.trim() || 'on').toLowerCase()
  if (setting !== 'on' && setting !== 'off') problems.push({ variable: 'PAGES', problem: 'must be on or off' })
  const color = env.BRAND_COLOR?.trim() || DEFAULT_BRAND_COLOR
  const brandColor = isCssColor(color) ? color : DEFAULT_BRAND_COLOR
  if (!isCssColor(color))
    problems.push({
      variable: 'BRAND_COLOR',
      problem: 'must be a CSS colour: #rgb, #rrggbb, a colour name, rgb() or hsl()',
    })
  return { enabled: setting !== 'off', brandColor, logoUrl: parseLogoUrl(env.LOGO_URL, problems) }
}
