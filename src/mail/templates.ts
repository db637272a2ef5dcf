/**
 * The service's messages, each as plain text and HTML: no images, no tracking pixels, no rewritten
 * links, and every link or code says how long it stays valid.
 */

export interface MailContent {
  readonly subject: string
  readonly text: string
  readonly html: string
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** "1 hour", "5 minutes", "90 seconds". */
export function describeDuration(seconds: number): string {
  const [value, unit] =
    seconds % 3600 === 0
      ? [seconds / 3600, 'hour']
      : seconds % 60 === 0
        ? [seconds / 60, 'minute']
        : [seconds, 'second']
  return `${value} ${unit}${value === 1 ? '' : 's'}`
}

function compose(subject: string, paragraphs: string[], action?: { label: string; url: string }): MailContent {
  const text = [...paragraphs.slice(0, 1), ...(action ? [action.url] : []), ...paragraphs.slice(1)].join('\n\n')
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)
  if (action) body.splice(1, 0, `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`)
  const html = `<!doctype html><html><body>${body.join('')}</body></html>`
  return { subject, text: `${text}\n`, html }
}

const IGNORE = 'If you did not ask for this, you can ignore this message.'

export function verificationMail(appName: string, url: string, expiresInSeconds: number): MailContent {
  return compose(
    `Confirm your email for ${appName}`,
    [
      `Confirm your email address to finish signing up for ${appName}:`,
      `The link works once and expires in ${describeDuration(expiresInSeconds)}.`,
      IGNORE,
    ],
    { label: 'Confirm my email', url },
  )
}

export function passwordResetMail(appName: string, url: string, expiresInSeconds: number): MailContent {
  return compose(
    `Reset your ${appName} password`,
    [
      `Someone asked to reset the password of your ${appName} account. Choose a new one here:`,
      `The link works once and expires in ${describeDuration(expiresInSeconds)}. Resetting signs you out everywhere else.`,
      IGNORE,
    ],
    { label: 'Choose a new password', url },
  )
}

export function codeMail(appName: string, otp: string, purpose: string, expiresInSeconds: number): MailContent {
  return compose(`${otp} is your ${appName} code`, [
    `Your code to ${purpose}: ${otp}`,
    `It expires in ${describeDuration(expiresInSeconds)} and stops working after a few wrong tries.`,
    IGNORE,
  ])
}

export function existingAccountMail(appName: string): MailContent {
  return compose(`Someone tried to sign up to ${appName} with your address`, [
    `Someone tried to sign up to ${appName} with your email address, which already has an account.`,
    'If it was you: sign in instead, or reset your password if you forgot it.',
    'If it was not you, nothing changed: your account and password are as they were.',
  ])
}
