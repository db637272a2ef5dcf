import { useEffect, useState } from 'react'
import { authClient } from '../lib/auth'

type SessionState = ReturnType<typeof authClient.useSession.get>

/** BetterAuth's session atom as React state: pending, then the session or null, kept current. */
export function useAuthSession(): SessionState {
  const [state, setState] = useState<SessionState>(() => authClient.useSession.get())
  useEffect(() => authClient.useSession.subscribe(setState), [])
  return state
}
