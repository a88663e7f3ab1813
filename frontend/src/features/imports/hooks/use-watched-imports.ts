import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { getCachedImport } from '../api/import-cache';
import { isActive } from '../api/status';

const IMPORT_PARAM = 'import';
/** In the history entry's state: the import to scroll into view and give the keyboard focus. */
const FOCUS_STATE = 'focusImport';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The imports the URL names; a malformed id (from a hand-made link) names none: the API would
 * refuse it. */
function watchedIds(params: URLSearchParams): string[] {
  return params.getAll(IMPORT_PARAM).filter((id) => UUID.test(id));
}

/** `params` watching `ids` (in that order) instead of the imports they watched before. */
function watching(params: URLSearchParams, ids: readonly string[]): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(IMPORT_PARAM);
  for (const id of ids) next.append(IMPORT_PARAM, id);
  return next;
}

/** The import the navigation to this entry asked to give the keyboard focus, with the entry's key:
 * asked again for the same import, the key tells the new request from the one already met. */
function focusRequestOf(location: { state: unknown; key: string }): { id: string; key: string } | null {
  const state = location.state as Record<string, unknown> | null;
  const id = state?.[FOCUS_STATE];
  return typeof id === 'string' ? { id, key: location.key } : null;
}

/**
 * The imports on the Import page, kept in the URL (`?import=<id>`, repeated). `show(id)` adds one
 * after those still queued or running, which stay in view; finished ones make way (a new upload's
 * import and one picked in the history alike); with `focus`, it asks for its card to be scrolled
 * into view and given the keyboard focus (`focusRequest`). `pin(ids)` adds those not in the URL
 * after those that are, replacing its entry in the browser's history.
 */
export function useWatchedImports() {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  // `setParams` builds on the URL of the render it came from. Calling the latest one lets `show`
  // and `pin` stay the same functions (the history's cells are made once: a clicked name keeps
  // the keyboard focus) while they build on the URL as it is now.
  const latest = useRef(setParams);
  useLayoutEffect(() => {
    latest.current = setParams;
  });

  const show = useCallback(
    (id: string, { focus = false }: { focus?: boolean } = {}) =>
      latest.current(
        (current) => {
          const stillActive = watchedIds(current).filter(
            (each) => each !== id && isActive(getCachedImport(queryClient, each)),
          );
          return watching(current, [...stillActive, id]);
        },
        { state: focus ? { [FOCUS_STATE]: id } : null },
      ),
    [queryClient],
  );

  const pin = useCallback(
    (ids: readonly string[]) =>
      latest.current((current) => watching(current, [...new Set([...watchedIds(current), ...ids])]), {
        replace: true,
      }),
    [],
  );

  // The same array while the URL is: effects that depend on it do not run at every render.
  const ids = useMemo(() => watchedIds(params), [params]);
  const hasMalformed = ids.length < params.getAll(IMPORT_PARAM).length;
  useEffect(() => {
    if (hasMalformed) latest.current((current) => watching(current, watchedIds(current)), { replace: true });
  }, [hasMalformed]);

  const focusRequest = focusRequestOf(useLocation());

  return { ids, show, pin, focusRequest };
}
