/**
 * Stands in for zod's JSON Schema conversion (zod/v4/core/to-json-schema.js, imported as
 * `../core/to-json-schema.js` and `./to-json-schema.js`) in the deployed bundles; see
 * ./json-schema-processors-absent.ts for why nothing here runs. zod's classic schemas call the two
 * `create…Method` factories while building a schema: they still return the method, which fails
 * loudly if ever called.
 */
export function noJsonSchema(): never {
  throw new Error('edge-auth: JSON Schema generation is not bundled (BetterAuth never asks for it at run time)')
}

export const initializeContext = noJsonSchema
export const handleUnrepresentable = noJsonSchema
export const processSchema = noJsonSchema
export { processSchema as process }
export const extractDefs = noJsonSchema
export const finalize = noJsonSchema
export const createToJSONSchemaMethod = () => noJsonSchema
export const createStandardJSONSchemaMethod = () => noJsonSchema
