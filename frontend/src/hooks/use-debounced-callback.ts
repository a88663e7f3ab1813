import { useEffect, useMemo, useRef } from 'react';

/** A stable function that calls the latest `callback` once calls stop for `delayMs`. */
export function useDebouncedCallback<Args extends unknown[]>(
  callback: (...args: Args) => void,
  delayMs: number,
) {
  const callbackRef = useRef(callback);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    callbackRef.current = callback;
  });

  useEffect(() => () => window.clearTimeout(timer.current), []);

  return useMemo(() => {
    const debounced = (...args: Args) => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => callbackRef.current(...args), delayMs);
    };
    debounced.cancel = () => window.clearTimeout(timer.current);
    return debounced;
  }, [delayMs]);
}
