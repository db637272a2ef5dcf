/**
 * BetterAuth's mail-driven features wired to the service's mailer: email verification, password
 * reset, the notice to an existing account's owner, and sign-in by emailed code (emailOTP plugin).
 *
 * A verification link signs the user in on the service's origin. In cross-site mode a cookie set
 * there lands in the service's own partition, which the frontend never sees, so the link's
 * callbackURL is routed through the redirect hand-off (routes/handoff.ts): verify → /auth/handoff
 * → the frontend with a one-time token it exchanges by fetch.
 */
import { emailOTP } from 'better-auth/plugins/email-otp'
import type { Config } from '../config/index.ts'
import { HANDOFF_PATH } from '../http/handoff-params.ts'
import type { Mailer } from '../mail/mailer.ts'
import { codeMail, existingAccountMail, passwordResetMail, verificationMail } from '../mail/templates.ts'

export const VERIFICATION_LINK_SECONDS = 3600
export const SIGN_IN_CODE_SECONDS = 300
export const SIGN_IN_CODE_ATTEMPTS = 3

const CODE_PURPOSES = {
  'sign-in': 'sign in',
  'email-verification': 'confirm your email address',
  'forget-password': 'reset your password',
  'change-email': 'change your email address',
} as const

/** The emailOTP plugin's routes, answered 404 when there is no transport to send codes with. */
const CODE_PATHS = [
  '/email-otp/send-verification-otp',
  '/email-otp/check-verification-otp',
  '/email-otp/verify-email',
  '/sign-in/email-otp',
  '/email-otp/request-password-reset',
  '/forget-password/email-otp',
  '/email-otp/reset-password',
  '/email-otp/request-email-change',
  '/email-otp/change-email',
]

/**
 * The verification link with its callbackURL sent through the hand-off when the callback is a
 * frontend on another site (cross-site mode); same-site frontends share the cookie already.
 *
 * @example
 * routeThroughHandoff(config, 'https://auth.example.com/api/auth/verify-email?token=…&callbackURL=https%3A%2F%2Fdocs.other.org%2F')
 * // '…&callbackURL=https%3A%2F%2Fauth.example.com%2Fauth%2Fhandoff%3FcallbackURL%3Dhttps%253A%252F%252Fdocs.other.org%252F'
 */
export function routeThroughHandoff(config: Config, link: string): string {
  const url = new URL(link)
  const callback = url.searchParams.get('callbackURL')
  if (!callback || config.cookies.mode !== 'cross-site') return link
  let target: URL
  try {
    target = new URL(callback)
  } catch {
    return link
  }
  if (target.origin === config.baseURL || !config.isTrustedOrigin(target.origin)) return link
  const handoff = new URL(HANDOFF_PATH, config.baseURL)
  handoff.searchParams.set('callbackURL', target.toString())
  url.searchParams.set('callbackURL', handoff.toString())
  return url.toString()
}

/** Whether a request is a sign-in, whose verification resend no route limit counts per recipient. */
function isSignIn(request: Request | undefined): boolean {
  return request ? new URL(request.url).pathname.endsWith('/sign-in/email') : false
}

/**
 * The parts of BetterAuth's options that send mail; without a mailer, none of them is on.
 * `mailBudget` takes one mail from a recipient's budget (limits/): the sign-in resend spends it,
 * the mail routes are counted by the limits middleware already.
 */
export function emailOptions(
  config: Config,
  mailer: Mailer | null,
  mailBudget: (email: string) => Promise<boolean> = async () => true,
) {
  const { appName, emailVerification, passwordResetSeconds } = config.mail
  const required = mailer !== null && emailVerification === 'required'
  const verifying = mailer !== null && emailVerification !== 'off'
  return {
    emailAndPassword: {
      requireEmailVerification: required,
      resetPasswordTokenExpiresIn: passwordResetSeconds,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: mailer
        ? async ({ user, url }: { user: { email: string }; url: string }) =>
            mailer.deliver('password-reset', {
              to: user.email,
              ...passwordResetMail(appName, url, passwordResetSeconds),
            })
        : undefined,
      // Called by BetterAuth only when sign-up answers existing emails like new ones (verification required).
      onExistingUserSignUp: mailer
        ? async ({ user }: { user: { email: string } }) =>
            mailer.deliver('existing-account', { to: user.email, ...existingAccountMail(appName) })
        : undefined,
    },
    emailVerification: {
      sendOnSignUp: verifying,
      // A sign-in refused for an unverified address sends a fresh link (BetterAuth answers 403 EMAIL_NOT_VERIFIED).
      sendOnSignIn: required,
      autoSignInAfterVerification: true,
      expiresIn: VERIFICATION_LINK_SECONDS,
      sendVerificationEmail: verifying
        ? async ({ user, url }: { user: { email: string }; url: string }, request?: Request) =>
            mailer!.deliver(
              'verification',
              {
                to: user.email,
                ...verificationMail(appName, routeThroughHandoff(config, url), VERIFICATION_LINK_SECONDS),
              },
              isSignIn(request) ? () => mailBudget(user.email) : undefined,
            )
        : undefined,
    },
    disabledPaths: mailer ? [] : CODE_PATHS,
    codeSignIn: emailOTP({
      otpLength: 6,
      expiresIn: SIGN_IN_CODE_SECONDS,
      allowedAttempts: SIGN_IN_CODE_ATTEMPTS,
      storeOTP: 'hashed',
      async sendVerificationOTP({ email, otp, type }) {
        mailer?.deliver(type === 'sign-in' ? 'sign-in-code' : 'code', {
          to: email,
          ...codeMail(appName, otp, CODE_PURPOSES[type], SIGN_IN_CODE_SECONDS),
        })
      },
    }),
  }
}
