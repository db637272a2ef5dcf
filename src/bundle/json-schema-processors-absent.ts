/**
 * Stands in for zod's JSON Schema processors (zod/v4/core/json-schema-processors.js, imported as
 * `../core/json-schema-processors.js` and `./json-schema-processors.js`) in the deployed bundles,
 * with ./json-schema-absent.ts for `to-json-schema.js`. zod's classic schemas reference them only
 * inside methods that produce a JSON Schema (`toJSONSchema()`, `~standard.jsonSchema`, and string
 * and number getters such as `minLength`); BetterAuth calls none of them at run time (its OpenAPI
 * generation is off, see ./openapi-absent.ts). 18 KiB of the Worker, minified. Should one ever be
 * called, it fails loudly. src/bundle/aliases.test.ts holds the names to zod's.
 */
import { noJsonSchema } from './json-schema-absent.ts'

export const aggregateChecks = noJsonSchema
export const stringProcessor = noJsonSchema
export const numberProcessor = noJsonSchema
export const booleanProcessor = noJsonSchema
export const bigintProcessor = noJsonSchema
export const symbolProcessor = noJsonSchema
export const nullProcessor = noJsonSchema
export const undefinedProcessor = noJsonSchema
export const voidProcessor = noJsonSchema
export const neverProcessor = noJsonSchema
export const anyProcessor = noJsonSchema
export const unknownProcessor = noJsonSchema
export const dateProcessor = noJsonSchema
export const enumProcessor = noJsonSchema
export const literalProcessor = noJsonSchema
export const nanProcessor = noJsonSchema
export const templateLiteralProcessor = noJsonSchema
export const fileProcessor = noJsonSchema
export const successProcessor = noJsonSchema
export const customProcessor = noJsonSchema
export const functionProcessor = noJsonSchema
export const transformProcessor = noJsonSchema
export const mapProcessor = noJsonSchema
export const setProcessor = noJsonSchema
export const arrayProcessor = noJsonSchema
export const objectProcessor = noJsonSchema
export const unionProcessor = noJsonSchema
export const intersectionProcessor = noJsonSchema
export const tupleProcessor = noJsonSchema
export const recordProcessor = noJsonSchema
export const nullableProcessor = noJsonSchema
export const nonoptionalProcessor = noJsonSchema
export const defaultProcessor = noJsonSchema
export const prefaultProcessor = noJsonSchema
export const catchProcessor = noJsonSchema
export const pipeProcessor = noJsonSchema
export const readonlyProcessor = noJsonSchema
export const promiseProcessor = noJsonSchema
export const optionalProcessor = noJsonSchema
export const lazyProcessor = noJsonSchema
export const allProcessors = {}
export const toJSONSchema = noJsonSchema
