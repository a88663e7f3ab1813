import { useState } from 'react';
import { isNotFound } from '@/lib/api-error';

/**
 * Whether what an edit dialog edits was found deleted elsewhere (`gone`): a request about it (a
 * save, a load) answered 404. It stays so, whatever the person does next: nothing can be saved
 * any more, and the dialog offers Close alone (`FormModal`'s `closeOnly`).
 */
export function useDeletedElsewhere() {
  const [gone, setGone] = useState(false);

  /** Call with what a request about it threw; true when that was a 404. */
  function noteIfGone(error: unknown): boolean {
    if (!isNotFound(error)) return false;
    setGone(true);
    return true;
  }

  return { gone, noteIfGone };
}
