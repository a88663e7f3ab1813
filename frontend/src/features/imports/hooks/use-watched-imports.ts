import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { isKnownActive } from '../api/import-cache';

const IMPORT_PARAM = 'import';
/** In the history entry's state: the import to scroll into view and give the keyboard focus, and
 * once `pin` has replaced the entry, the key of the one that asked (see `focusRequestOf`). */
const FOCUS_STATE = 'focusImport';
const FOCUS_KEY = 'focusKey';
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

type FocusRequest = { id: string; key: string };

/** The import the navigation to this entry asked to give the keyboard focus, with the key of the
 * entry that asked: asked again for the same import, the key tells the new request from the one
 * already met, which an entry replaced by `pin` carries on. */
function focusRequestOf(location: { state: unknown; key: string }): FocusRequest | null {
  const state = location.state as Record<string, unknown> | null;
  const id = state?.[FOCUS_STATE];
  const key = state?.[FOCUS_KEY];
  return typeof id === 'string' ? { id, key: typeof key === 'string' ? key : location.key } : null;
}

/** The state of an entry that replaces one holding `request`: the same request, not a new one. */
function carriedFocusRequest(request: FocusRequest | null) {
  return request && { [FOCUS_STATE]: request.id, [FOCUS_KEY]: request.key };
}

/**
 * The imports on the Import page, kept in the URL (`?import=<id>`, repeated). `show(id)` adds one
 * after those still queued or running, which stay in view; finished ones make way (a new upload's
 * import and one picked in the history alike); with `focus`, it asks for its card to be scrolled
 * into view and given the keyboard focus (`focusRequest`). `pin(ids)` adds those not in the URL
 * after those that are, replacing its entry in the browser's history; the entry keeps its request
 * for the focus, which the card, maybe still loading, has yet to meet.
 */
export function useWatchedImports() {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const focusRequest = focusRequestOf(useLocation());
  // `setParams` builds on the URL of the render it came from. Calling the latest one lets `show`
  // and `pin` stay the same functions (the history's cells are made once: a clicked name keeps
  // the keyboard focus) while they build on the URL, and the focus request, as they are now.
  const latest = useRef({ setParams, focusRequest });
  useLayoutEffect(() => {
    latest.current = { setParams, focusRequest };
  });

  const show = useCallback(
    (id: string, { focus = false }: { focus?: boolean } = {}) =>
      latest.current.setParams(
        (current) => {
          const stillActive = watchedIds(current).filter((each) => each !== id && isKnownActive(queryClient, each));
          return watching(current, [...stillActive, id]);
        },
        { state: focus ? { [FOCUS_STATE]: id } : null },
      ),
    [queryClient],
  );

  /** Replaces the entry by one watching `next` of the imports watched now. */
  const replaceWatched = useCallback(
    (next: (watched: string[]) => string[]) =>
      latest.current.setParams((current) => watching(current, next(watchedIds(current))), {
        replace: true,
        state: carriedFocusRequest(latest.current.focusRequest),
      }),
    [],
  );

  const pin = useCallback(
    (ids: readonly string[]) => replaceWatched((watched) => [...new Set([...watched, ...ids])]),
    [replaceWatched],
  );

  // The same array while the URL is: effects that depend on it do not run at every render.
  const ids = useMemo(() => watchedIds(params), [params]);
  const hasMalformed = ids.length < params.getAll(IMPORT_PARAM).length;
  useEffect(() => {
    if (hasMalformed) replaceWatched((watched) => watched);
  }, [hasMalformed, replaceWatched]);

  return { ids, show, pin, focusRequest };
}
