import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ENV_VARIABLES } from './env.ts'

/** Read by the Node entry and `npm run dev` themselves, not by the service's configuration. */
const ENTRY_VARIABLES = ['PORT', 'HOST']

function readmeSettings(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? ''
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((row) => row[1]!)
}

describe('the settings the service reads', () => {
  it('are exactly the README settings table, besides the entries’ own', () => {
    expect(readmeSettings().sort()).toEqual([...ENV_VARIABLES, ...ENTRY_VARIABLES].sort())
  })
})
