import { describe, expect, it } from 'vitest'
import { aliasCollisions } from './bundle-size.ts'

describe('aliasCollisions', () => {
  const input = (...originals: string[]) => ({ imports: originals.map((original) => ({ path: 'x', original })) })

  it('accepts a relative specifier every importer uses for the same file', () => {
    const metafile = {
      inputs: {
        'node_modules/zod/v4/core/index.js': input('./to-json-schema.js'),
        'node_modules/zod/v4/core/json-schema-generator.js': input('./to-json-schema.js'),
        'node_modules/zod/v4/classic/schemas.js': input('../core/to-json-schema.js'),
      },
    }
    expect(aliasCollisions(metafile, ['./to-json-schema.js', '../core/to-json-schema.js', 'zod'])).toEqual([])
  })

  it('names a relative specifier that two importers use for different files', () => {
    const metafile = {
      inputs: {
        'node_modules/better-call/dist/index.mjs': input('./openapi.mjs'),
        'node_modules/other/dist/index.mjs': input('./openapi.mjs'),
      },
    }
    expect(aliasCollisions(metafile, ['./openapi.mjs'])).toEqual([
      './openapi.mjs: one alias for node_modules/better-call/dist/openapi.mjs, node_modules/other/dist/openapi.mjs',
    ])
  })
})
