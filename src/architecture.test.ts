/**
 * The shape of src/ (docs/architecture.md): every module belongs to one layer by its path, imports
 * (types included) run only down the layers or within one, and there is no import circle, so data
 * flows request → middleware → route → services → database without a module depending on its users.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = dirname(fileURLToPath(import.meta.url))
const IMPORT = /^(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Module → the modules of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(IMPORT)]
      .map((match) => resolve(dirname(file), match[1]!))
      .filter((target) => target.startsWith(SRC))
    graph.set(relative(SRC, file), [...new Set(targets.map((t) => relative(SRC, t)))])
  }
  return graph
}

/** The layers from the top down; a module may import its own layer's modules and those below. */
const LAYERS: readonly { name: string; paths: readonly string[] }[] = [
  { name: 'entries', paths: ['index.ts', 'node.ts', 'vercel.ts', 'vercel-node.ts'] },
  { name: 'app', paths: ['app.ts'] },
  { name: 'routes', paths: ['routes/'] },
  { name: 'middleware', paths: ['middleware/'] },
  { name: 'context', paths: ['context.ts', 'auth/'] },
  { name: 'plugins', paths: ['plugins/'] },
  {
    name: 'services',
    paths: [
      'limits/',
      'session-cache/',
      'tokens/',
      'credentials/',
      'mail/',
      'event-log.ts',
      'session-diagnosis.ts',
      'client/',
      'verify/',
      'doctor/',
    ],
  },
  {
    name: 'foundation',
    paths: ['config/', 'database/', 'platform/', 'http/', 'crypto/', 'errors.ts', 'logging.ts', 'deadline.ts'],
  },
]

/** A module's layer: its index in LAYERS (0 is the top), or -1 when no layer holds its path. */
function layerOf(module: string): number {
  return LAYERS.findIndex(({ paths }) =>
    paths.some((path) => (path.endsWith('/') ? module.startsWith(path) : module === path)),
  )
}

/** Every import from a module to a module of a higher layer, as `importer (layer) → imported (layer)`. */
function upwardImports(graph: Map<string, string[]>): string[] {
  const found: string[] = []
  for (const [module, targets] of graph) {
    for (const target of targets) {
      const [from, to] = [layerOf(module), layerOf(target)]
      if (to < from) found.push(`${module} (${LAYERS[from]!.name}) → ${target} (${LAYERS[to]!.name})`)
    }
  }
  return found
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'visiting' | 'done'>()
  function visit(node: string, path: string[]) {
    if (state.get(node) === 'done') return
    if (state.get(node) === 'visiting') {
      found.push([...path.slice(path.indexOf(node)), node])
      return
    }
    state.set(node, 'visiting')
    for (const next of graph.get(node) ?? []) visit(next, [...path, node])
    state.set(node, 'done')
  }
  for (const node of graph.keys()) visit(node, [])
  return found
}

describe('src/', () => {
  it('has no import circle', () => {
    const graph = importGraph()
    expect(graph.size).toBeGreaterThan(30)
    expect(graph.get('app.ts')).toContain('context.ts')
    expect(cycles(graph)).toEqual([])
  })

  it('puts every module in a layer', () => {
    expect([...importGraph().keys()].filter((module) => layerOf(module) === -1)).toEqual([])
  })

  it('has no import against the layers', () => {
    expect(upwardImports(importGraph())).toEqual([])
  })

  it('would notice an upward import', () => {
    const graph = new Map([
      ['routes/jwks.ts', ['context.ts']],
      ['limits/store.ts', ['database/index.ts', 'middleware/guard.ts']],
    ])
    expect(upwardImports(graph)).toEqual(['limits/store.ts (services) → middleware/guard.ts (middleware)'])
  })

  it('would notice a circle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ])
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
  })
})
