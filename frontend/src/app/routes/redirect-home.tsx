import { Navigate, useLocation } from 'react-router-dom';

/** A guessed address of the Import page (`/import`): taken to it in place of its history entry,
 * keeping the imports it names (`?import=…`). */
export function RedirectHome() {
  const { search, hash } = useLocation();
  return <Navigate to={{ pathname: '/', search, hash }} replace />;
}
