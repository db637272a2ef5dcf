/**
 * The page's mail form: email, password, code and new-password fields and one button per
 * mail function (`readme:email`), as a Docusaurus site would wire them: this site's origin as
 * `site`, this page's address as the reset page's `pageUrl`. The snippet's message shows in the
 * form's `<output>`.
 */
import { requestReset, resetPassword, sendCode, signInWithCode, signUp } from 'readme:email'
import type { MailButton } from './api.ts'

const NAME = 'Browser Test'

function field(form: HTMLFormElement, label: string, name: string, type: string): HTMLInputElement {
  const wrapper = document.createElement('label')
  const input = document.createElement('input')
  input.name = name
  input.type = type
  if (name === 'code') input.inputMode = 'numeric'
  wrapper.append(`${label} `, input)
  form.append(wrapper, ' ')
  return input
}

export interface MailForm {
  readonly element: HTMLFormElement
  /** The snippet's message for the last button pressed, once it is known. */
  last(): Promise<string>
}

/** `afterSignIn` runs after a code sign-in, so the page shows the session. */
export function mailForm(afterSignIn: () => Promise<unknown>): MailForm {
  const form = document.createElement('form')
  form.id = 'mail'
  form.addEventListener('submit', (event) => event.preventDefault())
  const email = field(form, 'Email', 'email', 'email')
  const password = field(form, 'Password', 'password', 'password')
  const code = field(form, 'Code', 'code', 'text')
  const newPassword = field(form, 'New password', 'new-password', 'password')
  const output = document.createElement('output')
  let last: Promise<string> = Promise.resolve('')

  const actions: Record<MailButton, () => Promise<string>> = {
    'Sign up': () => signUp(location.origin, email.value, password.value, NAME),
    'Forgot password': () => requestReset(location.origin, email.value),
    'Set new password': () => resetPassword(location.href, newPassword.value),
    'Send code': async () => {
      await sendCode(email.value)
      return 'Code sent.'
    },
    'Sign in with code': async () => {
      const message = await signInWithCode(email.value, code.value)
      await afterSignIn()
      return message
    },
  }
  for (const [label, action] of Object.entries(actions)) {
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = label
    button.addEventListener('click', () => {
      output.textContent = '…'
      last = action().then(
        (message) => {
          output.textContent = message
          return message
        },
        (error: unknown) => {
          output.textContent = `failed: ${String(error)}`
          throw error
        },
      )
    })
    form.append(button, ' ')
  }
  form.append(output)
  return { element: form, last: () => last }
}
