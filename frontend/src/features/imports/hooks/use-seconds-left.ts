import { useEffect, useState } from 'react';
import type { Import } from '@/types/api';

/**
 * Seconds left: the API's estimate from the progress so far (null until it has one). Not from
 * the rows: once every row is read the phases that rebuild the table still take about half the
 * time, and a rows-based estimate would say "0 s" all along.
 */
export function estimateSecondsLeft(item: Pick<Import, 'eta_seconds'>): number | null {
  return typeof item.eta_seconds === 'number' && Number.isFinite(item.eta_seconds) ? item.eta_seconds : null;
}

export type SecondsLeft = { seconds: number; counted: boolean } | null;

/**
 * The API's estimate of the time left, counted down a second at a time until the next update
 * (each new state of the import starts from its estimate again), so that it does not stand still
 * between updates. `counted`: time has been taken off the API's figure. The count stops at
 * nothing left: the import is then late on its estimate, and the next update says more.
 */
export function useSecondsLeft(item: Import, active: boolean): SecondsLeft {
  const eta = estimateSecondsLeft(item);
  const [ticks, setTicks] = useState({ item, count: 0 });
  const count = ticks.item === item ? ticks.count : 0;
  const counting = active && eta !== null && eta - count >= 1;

  useEffect(() => {
    if (!counting) return;
    const timer = window.setInterval(
      () => setTicks((current) => ({ item, count: current.item === item ? current.count + 1 : 1 })),
      1000,
    );
    return () => window.clearInterval(timer);
  }, [item, counting]);

  return eta === null ? null : { seconds: eta - count, counted: count > 0 };
}
