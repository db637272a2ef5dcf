/**
 * Preflight of the npm scripts that run TypeScript with node: on a Node older than package.json's
 * `devEngines.runtime.version` (a `>=X.Y[.Z]` range: what developing the service needs; `engines`
 * is what the published package needs), prints one line naming the required version to stderr and
 * exits 1; otherwise exits 0 silently.
 *
 * Plain JavaScript without newer syntax, so that it runs on the old Node it has to reject.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The Node major that CI uses, suggested to whoever must install a newer Node. */
const SUGGESTED_MAJOR = 24

function parseVersion(text) {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim())
  if (!match) return null
  return [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)]
}

/** `>=22.12` → `{ text: '22.12', version: [22, 12, 0] }`; anything but a `>=` range is refused. */
function parseMinimum(range) {
  const match = /^\s*>=\s*(\S+)\s*$/.exec(String(range))
  const version = match ? parseVersion(match[1]) : null
  if (!version) throw new Error(`devEngines.runtime.version must read ">=X.Y.Z", not ${JSON.stringify(range)}`)
  return { text: match[1], version }
}

function isAtLeast(version, minimum) {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i]
  }
  return true
}

/** The line to print when `nodeVersion` (e.g. `v20.20.2`) does not satisfy `range`, else null. */
export function nodeVersionProblem(nodeVersion, range) {
  const minimum = parseMinimum(range)
  const version = parseVersion(nodeVersion)
  if (version && isAtLeast(version, minimum.version)) return null
  const suggested = Math.max(SUGGESTED_MAJOR, minimum.version[0])
  return (
    `edge-auth needs Node >= ${minimum.text}; this is Node ${nodeVersion}. ` +
    `Install Node ${minimum.text} or newer (e.g. nvm install ${suggested}).`
  )
}

// Run directly (not imported by its test): check the Node that runs it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const problem = nodeVersionProblem(process.version, manifest.devEngines.runtime.version)
  if (problem) {
    process.stderr.write(`${problem}\n`)
    process.exit(1)
  }
}
