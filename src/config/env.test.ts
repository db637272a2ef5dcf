import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ENV_VARIABLES } from './env.ts'

/** Read by the Node entry and `npm run dev` themselves, not by the service's configuration. */
const ENTRY_VARIABLES = ['PORT', 'HOST']

function documentedSettings(): string[] {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')
  const section = doc.split('\n## ')[0]!
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((row) => row[1]!)
}

describe('the settings the service reads', () => {
  it('are exactly the settings table of docs/configuration.md, besides the entries’ own', () => {
    expect(documentedSettings().sort()).toEqual([...ENV_VARIABLES, ...ENTRY_VARIABLES].sort())
  })
})
