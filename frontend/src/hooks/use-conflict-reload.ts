import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { isChangedSince } from '@/lib/api-error';
import { rebasedMessage, type Rebased } from '@/lib/rebased-values';
import { isLater } from '@/lib/time';
import { useDeletedElsewhere } from './use-deleted-elsewhere';

export type ConflictReload = { pending: boolean; error?: string; message?: string };

/** What an edit dialog gives: its form's values, and how to replace them. */
export type ConflictReloadForm<Values> = {
  values: Values;
  reset: (values: Values) => void;
  /** Called once the current values are in the form. */
  onLoaded?: () => void;
};

type Versioned = { id: number; updated_at: string };

type Options<Row extends Versioned, Values> = ConflictReloadForm<Values> & {
  /** What the dialog opened with; null when creating one. */
  row: Row | null;
  /** It as it is now. */
  fetchLatest: (id: number, signal: AbortSignal) => Promise<Row>;
  toValues: (row: Row) => Values;
  /** The person's `values` (changed from `started`) on top of the `current` ones. */
  rebase: (values: Values, started: Values, current: Values) => Rebased<Values>;
  /** The queries fetched again once the current values are loaded (the lists showed the older
   * version too), and once it is found deleted elsewhere. */
  invalidateOnLoad: QueryKey;
  invalidateWhenGone: QueryKey;
};

/**
 * The version of what an edit dialog edits that the edit is based on (`original`), and the way
 * out when a save finds it changed elsewhere (412, `conflict`): `loadCurrentValues` puts the
 * person's changes on top of the current version, which then becomes the one a save is based on.
 * The request is aborted when the dialog closes first. `gone`: the save or the load found it
 * deleted elsewhere (404), so nothing can be saved any more.
 */
export function useConflictReload<Row extends Versioned, Values>({
  row,
  values,
  reset,
  onLoaded,
  fetchLatest,
  toValues,
  rebase,
  invalidateOnLoad,
  invalidateWhenGone,
}: Options<Row, Values>) {
  const [original, setOriginal] = useState(row);
  const [conflict, setConflict] = useState(false);
  const { gone, noteIfGone } = useDeletedElsewhere();
  const [reload, setReload] = useState<ConflictReload>({ pending: false });
  const queryClient = useQueryClient();
  // The person may go on editing while the current values load: they are rebased on what is in
  // the form when the answer comes, not on what was there when the button was pressed.
  const latestValues = useRef(values);
  // `original` as soon as it is loaded, before the render: a save's failure may be told first.
  const latestOriginal = useRef(row);
  const request = useRef<AbortController | null>(null);

  useEffect(() => {
    latestValues.current = values;
  });

  useEffect(() => () => request.current?.abort(), []);

  /** Call with what a save based on the version `savedOver` threw: a 412 means it changed
   * elsewhere, a 404 that it was deleted elsewhere. False, and nothing noted, for a 412 to a save
   * based on a version older than the current values loaded while it ran: the form holds those. */
  function noteSaveError(error: unknown, savedOver: Row): boolean {
    const loaded = latestOriginal.current;
    if (isChangedSince(error) && loaded && isLater(loaded.updated_at, savedOver.updated_at)) return false;
    setConflict(isChangedSince(error));
    noteIfGone(error);
    return true;
  }

  async function loadCurrentValues() {
    if (!original || request.current) return;
    const controller = new AbortController();
    request.current = controller;
    setReload({ pending: true });
    try {
      const latest = await fetchLatest(original.id, controller.signal);
      const rebased = rebase(latestValues.current, toValues(original), toValues(latest));
      latestOriginal.current = latest;
      setOriginal(latest);
      reset(rebased.values);
      setConflict(false);
      setReload({ pending: false, message: rebasedMessage(rebased) });
      onLoaded?.();
      void queryClient.invalidateQueries({ queryKey: invalidateOnLoad });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (noteIfGone(error)) {
        setConflict(false);
        setReload({ pending: false });
        void queryClient.invalidateQueries({ queryKey: invalidateWhenGone });
      } else {
        setReload({ pending: false, error: describeLoadError(error) });
      }
    } finally {
      request.current = null;
    }
  }

  return { original, conflict, gone, noteSaveError, reload, loadCurrentValues };
}

function describeLoadError(error: unknown): string {
  return `Could not load the current values: ${error instanceof Error ? error.message : 'unknown error'}`;
}
