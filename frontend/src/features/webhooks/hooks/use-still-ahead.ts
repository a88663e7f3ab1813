import { useEffect, useState } from 'react';
import { isInTheFuture, timeOf } from '@/lib/time';

/** Browsers run a longer timeout at once: wait in steps of at most this (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Whether the time `value` is still ahead, turning false as it passes (a timer, not a poll: the
 * list's poll re-renders nothing while the API's answer stays the same).
 */
export function useStillAhead(value: string | null | undefined): boolean {
  const [checks, setChecks] = useState(0);
  const ahead = isInTheFuture(value);
  const time = timeOf(value);

  useEffect(() => {
    if (!ahead) return;
    // Looked at again when it passes; a timer that fires early is set again (`checks`).
    const timer = window.setTimeout(() => setChecks((count) => count + 1), Math.min(time - Date.now() + 1, MAX_TIMEOUT_MS));
    return () => window.clearTimeout(timer);
  }, [ahead, time, checks]);

  return ahead;
}
