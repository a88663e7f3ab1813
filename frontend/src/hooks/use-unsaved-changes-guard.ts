import { useEffect } from 'react';
import { NavigationType, useBlocker, type Blocker } from 'react-router-dom';

/**
 * While `dirty`, leaving the page would throw the person's changes away. The browser's Back or
 * Forward within the app is held (the returned blocker is `blocked`) for the caller to ask, then
 * `proceed()` or `reset()`; closing or reloading the tab, or Back out of the app, makes the browser
 * ask. The app's own navigations (a redirect replacing the URL) go ahead.
 */
export function useUnsavedChangesGuard(dirty: boolean): Blocker {
  const blocker = useBlocker(({ historyAction }) => dirty && historyAction === NavigationType.Pop);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = true; // browsers before 2023 ask only when this is set
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  return blocker;
}
