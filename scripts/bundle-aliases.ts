/**
 * The module aliases of the deployed bundles, read from wrangler.toml's `[alias]` table so the
 * Worker (wrangler applies the table itself) and the Vercel builds (scripts/build-vercel.ts passes
 * it to esbuild) replace the same modules. Each replacement is a module of ours under src/bundle/
 * that says why it is faithful; src/bundle/aliases.test.ts holds them to the packages.
 *
 * @example
 * bundleAliases() // { '@better-auth/telemetry': '/…/src/bundle/telemetry-disabled.ts', … }
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Package → absolute path of its replacement, in wrangler.toml's order. */
export function bundleAliases(wranglerToml = `${root}/wrangler.toml`): Record<string, string> {
  const text = readFileSync(wranglerToml, 'utf8')
  const table = /^\[alias\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1]
  if (!table) throw new Error(`${wranglerToml} has no [alias] table`)
  const aliases: Record<string, string> = {}
  for (const line of table.split('\n')) {
    const entry = line.trim()
    if (!entry || entry.startsWith('#')) continue
    const match = /^"([^"]+)"\s*=\s*"([^"]+)"$/.exec(entry)
    if (!match) throw new Error(`cannot read the [alias] entry ${JSON.stringify(entry)} in ${wranglerToml}`)
    aliases[match[1]!] = resolve(root, match[2]!)
  }
  return aliases
}
