/**
 * Every code block of README.md and docs/*.md is read by a test. The tests read blocks through
 * `codeBlock(file, heading, language[, nth])` of test/support/docs.ts with literal arguments; this
 * finds those calls in every TypeScript source and holds them against the blocks in the files.
 * A block no call reads fails, and so does a call that reads no block, or a call whose arguments
 * are not literals (it could not be checked). The few blocks no test can run are listed here,
 * each with its reason, and the list is held to the files too.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { documentationFiles, fencedBlocks, REPOSITORY } from '../support/docs.ts'

/** Blocks that no test runs, by `file | heading | language | nth`, with why. */
const NOT_RUN: Record<string, string> = {
  'docs/deployment.md | ## Deploying to Cloudflare Workers | sh | 0':
    'wrangler secret put and wrangler deploy need a Cloudflare account, and the migration a Neon database',
}

function key(file: string, heading: string, language: string, nth: number): string {
  return `${file} | ${heading} | ${language} | ${nth}`
}

function sources(dir: string): string[] {
  return readdirSync(join(REPOSITORY, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes('node_modules'))
}

const CALL = /\bcodeBlock\(\s*'([^']+)',\s*'([^']+)',\s*'([^']+)'(?:,\s*(\d+))?\s*,?\s*\)/g

/** Every `codeBlock(…)` call in the sources: the keys it reads, and the calls it could not read. */
function reads(): { keys: Map<string, string>; unreadable: string[] } {
  const keys = new Map<string, string>()
  const unreadable: string[] = []
  for (const path of ['src', 'test', 'scripts', 'examples'].flatMap(sources)) {
    // Comments do not read anything: a call written in one is not counted (URLs keep their //).
    const text = readFileSync(path, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:])\/\/[^\n]*/g, '$1')
    const calls = text.split(/\bcodeBlock\(/).length - 1 - (text.match(/\bfunction codeBlock\(/g)?.length ?? 0)
    let literal = 0
    for (const match of text.matchAll(CALL)) {
      literal++
      keys.set(key(match[1]!, match[2]!, match[3]!, Number(match[4] ?? 0)), relative(REPOSITORY, path))
    }
    if (literal !== calls)
      unreadable.push(`${relative(REPOSITORY, path)}: ${calls - literal} call(s) without literal arguments`)
  }
  return { keys, unreadable }
}

describe('the code blocks of README.md and docs/', () => {
  const blocks = documentationFiles().flatMap(fencedBlocks)
  const { keys, unreadable } = reads()

  it('are each read by a test (or listed with the reason no test can run them)', () => {
    const unread = blocks
      .map((b) => key(b.file, b.heading, b.language, b.nth))
      .filter((k) => !keys.has(k) && !(k in NOT_RUN))
    expect(unread).toEqual([])
  })

  it('are what every codeBlock call and every listed exception names, with literal arguments', () => {
    const present = new Set(blocks.map((b) => key(b.file, b.heading, b.language, b.nth)))
    expect([...keys].filter(([k]) => !present.has(k)).map(([k, path]) => `${path}: ${k}`)).toEqual([])
    expect(Object.keys(NOT_RUN).filter((k) => !present.has(k))).toEqual([])
    expect(unreadable).toEqual([])
  })
})
