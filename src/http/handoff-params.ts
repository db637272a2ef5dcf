/** The redirect hand-off's query parameters, shared by the service's route and the browser client. */
/** The service's hand-off route (routes/handoff.ts). */
export const HANDOFF_PATH = '/auth/handoff'
export const HANDOFF_TOKEN_PARAM = 'ott'
export const HANDOFF_ERROR_PARAM = 'auth_error'
