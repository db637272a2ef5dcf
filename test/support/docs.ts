/**
 * The code blocks of README.md and docs/*.md, as the tests that run them read them: so a snippet
 * cannot drift from what is tested. Each test adapts a snippet minimally (the service's URL for
 * `https://auth.example.com`), and `replaceExactly` fails when the text no longer reads as the
 * adaptation expects.
 *
 * A test reads a block with `codeBlock('docs/tokens.md', '### In Python (FastAPI)', 'python')`,
 * its arguments written out as literals: test/in-process/docs-coverage.test.ts finds these calls in
 * the sources and fails on any block that none of them reads.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url))

/** The placeholder the documentation uses for the service's URL. */
export const DOCS_SERVICE_URL = 'https://auth.example.com'

export interface FencedBlock {
  readonly file: string
  /** The nearest heading above the block, as written (`## Quick start`). */
  readonly heading: string
  /** The fence's info string (`sh`, `ts`, …); empty when the fence has none. */
  readonly language: string
  /** Its place among the blocks of the same language under the same heading, from 0. */
  readonly nth: number
  readonly code: string
}

/** The documentation files whose code blocks must be run by a test: README.md and docs/*.md. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(REPOSITORY, 'docs')).filter((name) => name.endsWith('.md'))
  return ['README.md', ...docs.sort().map((name) => `docs/${name}`)]
}

/** Every fenced code block of `file` (relative to the repository), with the heading it sits under. */
export function fencedBlocks(file: string): FencedBlock[] {
  const blocks: FencedBlock[] = []
  let heading = ''
  let open: { language: string; lines: string[] } | null = null
  for (const line of readFileSync(join(REPOSITORY, file), 'utf8').split('\n')) {
    if (open) {
      if (line.trimStart().startsWith('```')) {
        const { language } = open
        const nth = blocks.filter((b) => b.heading === heading && b.language === language).length
        blocks.push({ file, heading, language, nth, code: `${open.lines.join('\n')}\n` })
        open = null
      } else open.lines.push(line)
    } else if (line.trimStart().startsWith('```')) {
      open = { language: line.trimStart().slice(3).trim(), lines: [] }
    } else if (/^#{1,6} /.test(line)) {
      heading = line
    }
  }
  if (open) throw new Error(`${file}: a code block under ${JSON.stringify(heading)} is never closed`)
  return blocks
}

/**
 * The code of the `nth` ```<language> block right under `heading` in `file` (before any other heading).
 * Write the arguments as literals: the coverage check reads them from the source.
 */
export function codeBlock(file: string, heading: string, language: string, nth = 0): string {
  const block = fencedBlocks(file).find((b) => b.heading === heading && b.language === language && b.nth === nth)
  if (!block) throw new Error(`${file} has no \`\`\`${language} block #${nth} under ${JSON.stringify(heading)}`)
  return block.code
}

/**
 * `text` with every `search` replaced, failing unless it occurs exactly `times` times.
 *
 * @example
 * replaceExactly(snippet, DOCS_SERVICE_URL, service.url, 3)
 */
export function replaceExactly(text: string, search: string, replacement: string, times: number): string {
  const parts = text.split(search)
  if (parts.length - 1 !== times) {
    throw new Error(`expected ${JSON.stringify(search)} ${times} times in the snippet, found ${parts.length - 1}`)
  }
  return parts.join(replacement)
}
