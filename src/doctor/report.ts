/** What every check of the doctor reports: one finding each, with its fix when it failed. */
export interface Finding {
  readonly check: string
  readonly ok: boolean
  readonly message: string
  readonly fix?: string
}

export interface DoctorOptions {
  serviceUrl: string
  origin: string
  email?: string | undefined
  password?: string | undefined
  /** HEALTH_TOKEN, to read the full /health/auth; without it the doctor sees the anonymous level. */
  healthToken?: string | undefined
  fetch?: typeof fetch
}

export type Report = (finding: Finding) => void
