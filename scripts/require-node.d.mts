/** The line to print when `nodeVersion` (e.g. `v20.20.2`) does not satisfy `range` (`>=X.Y.Z`), else null. */
export function nodeVersionProblem(nodeVersion: string, range: string): string | null
