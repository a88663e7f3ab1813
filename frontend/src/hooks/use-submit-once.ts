import { useEffect, useRef } from 'react';

/**
 * A dialog's confirmation, taken once: the guard is set on the first press, before `busy` can
 * show it, so a double click or a second Enter pressed before the next render does not run the
 * action twice. It lets a press through again once `busy` has been cleared, or when `attempt`
 * changes: an answer that keeps the dialog open may come before `busy` was ever rendered.
 */
export function useSubmitOnce(busy: boolean, attempt?: unknown) {
  const confirmed = useRef(false);

  useEffect(() => {
    if (!busy) confirmed.current = false;
  }, [busy, attempt]);

  /** Runs `action` unless one runs already (or `busy` says so). */
  return function submitOnce(action: () => void) {
    if (busy || confirmed.current) return;
    confirmed.current = true;
    action();
  };
}
