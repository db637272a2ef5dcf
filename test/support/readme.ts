/**
 * The README's code, as the tests that run it read it: so a snippet cannot drift from what is
 * tested. Each test adapts a snippet minimally (the service's URL for `https://auth.example.com`),
 * and `replaceExactly` fails when the README no longer reads as the adaptation expects.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const README = fileURLToPath(new URL('../../README.md', import.meta.url))

/** The placeholder the README uses for the service's URL. */
export const README_SERVICE_URL = 'https://auth.example.com'

/**
 * The code of the first ```<language> block under the heading `heading` (before the next heading).
 *
 * @example
 * readmeCodeBlock('### In Python (FastAPI)', 'python')
 */
export function readmeCodeBlock(heading: string, language: string): string {
  const lines = readFileSync(README, 'utf8').split('\n')
  const start = lines.indexOf(heading)
  if (start < 0) throw new Error(`README.md has no heading ${JSON.stringify(heading)}`)
  const level = /^#+/.exec(heading)![0].length
  let code: string[] | null = null
  for (const line of lines.slice(start + 1)) {
    if (code) {
      if (line.startsWith('```')) return `${code.join('\n')}\n`
      code.push(line)
    } else if (line === `\`\`\`${language}`) {
      code = []
    } else if (new RegExp(`^#{1,${level}} `).test(line)) {
      break
    }
  }
  throw new Error(`README.md has no \`\`\`${language} block under ${JSON.stringify(heading)}`)
}

/**
 * `text` with every `search` replaced, failing unless it occurs exactly `times` times.
 *
 * @example
 * replaceExactly(snippet, README_SERVICE_URL, service.url, 3)
 */
export function replaceExactly(text: string, search: string, replacement: string, times: number): string {
  const parts = text.split(search)
  if (parts.length - 1 !== times) {
    throw new Error(`expected ${JSON.stringify(search)} ${times} times in the snippet, found ${parts.length - 1}`)
  }
  return parts.join(replacement)
}
