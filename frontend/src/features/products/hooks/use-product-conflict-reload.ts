import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useDeletedElsewhere } from '@/hooks/use-deleted-elsewhere';
import { ApiError } from '@/lib/api';
import type { Product } from '@/types/api';
import { getProduct } from '../api/get-product';
import { productKeys } from '../api/query-keys';
import { productToValues, rebasedMessage, rebaseValues, type ProductFormValues } from '../components/product-form';

export type ConflictReload = { pending: boolean; error?: string; message?: string };

type Options = {
  /** The product the dialog opened with; null when creating one. */
  product: Product | null;
  /** The form's values, and how to replace them. */
  values: ProductFormValues;
  reset: (values: ProductFormValues) => void;
  /** Called once the current values are in the form. */
  onLoaded?: () => void;
};

/**
 * The version of the product an edit is based on (`original`), and the way out when a save finds
 * it changed elsewhere (412, `conflict`): `loadCurrentValues` puts the person's changes on top of
 * the current version, which then becomes the one a save is based on. The request is aborted
 * when the dialog closes first. `gone`: the save or the load found the product deleted elsewhere
 * (404), so nothing can be saved any more.
 */
export function useProductConflictReload({ product, values, reset, onLoaded }: Options) {
  const [original, setOriginal] = useState(product);
  const [conflict, setConflict] = useState(false);
  const { gone, noteIfGone } = useDeletedElsewhere();
  const [reload, setReload] = useState<ConflictReload>({ pending: false });
  const queryClient = useQueryClient();
  // The person may type on while the current values load: they are rebased on what is in the
  // form when the answer comes, not on what was there when the button was pressed.
  const latestValues = useRef(values);
  const request = useRef<AbortController | null>(null);

  useEffect(() => {
    latestValues.current = values;
  });

  useEffect(() => () => request.current?.abort(), []);

  /** Call with what a save threw: a 412 means the product changed elsewhere, a 404 that it was
   * deleted elsewhere. */
  function noteSaveError(error: unknown) {
    setConflict(error instanceof ApiError && error.status === 412);
    noteIfGone(error);
  }

  async function loadCurrentValues() {
    if (!original || request.current) return;
    const controller = new AbortController();
    request.current = controller;
    setReload({ pending: true });
    try {
      const latest = await getProduct(original.id, controller.signal);
      const rebased = rebaseValues(latestValues.current, productToValues(original), productToValues(latest));
      setOriginal(latest);
      reset(rebased.values);
      setConflict(false);
      setReload({ pending: false, message: rebasedMessage(rebased) });
      onLoaded?.();
      // The list showed the older version too.
      void queryClient.invalidateQueries({ queryKey: productKeys.lists() });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (noteIfGone(error)) {
        setConflict(false);
        setReload({ pending: false });
        void queryClient.invalidateQueries({ queryKey: productKeys.all });
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
