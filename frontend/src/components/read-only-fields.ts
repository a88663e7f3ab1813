import { createContext, useContext } from 'react';

/**
 * Set around a form's fields while its save runs: they can be read and keep the keyboard focus
 * (unlike disabled ones) but not changed, since what is typed after Save would not be sent, and
 * the dialog closes once the save succeeds (which may wait seconds behind an import).
 */
export const ReadOnlyFields = createContext(false);

export function useReadOnlyFields() {
  return useContext(ReadOnlyFields);
}
