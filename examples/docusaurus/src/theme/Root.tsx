import type { ReactNode } from 'react'
import WhoAmI from '../components/WhoAmI'

/** Wraps every page: the badge shows everywhere, and the client loads on every page (the hand-off). */
export default function Root({ children }: { children: ReactNode }) {
  return (
    <>
      {children}
      <WhoAmI />
    </>
  )
}
