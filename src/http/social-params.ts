/** Paths and query parameters of social sign-in, shared by the service's routes and the browser client. */
export const SOCIAL_SIGN_IN_PATH = '/auth/sign-in'
/** Where BetterAuth sends a failed provider callback; it forwards to the frontend's errorCallbackURL. */
export const SOCIAL_ERROR_PATH = '/auth/sign-in-error'
/** The query parameter carrying the error code on the frontend's errorCallbackURL. */
export const SOCIAL_ERROR_PARAM = 'auth_error'
