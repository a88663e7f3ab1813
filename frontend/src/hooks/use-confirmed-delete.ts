import type { UseMutationResult } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { DeleteResult } from '@/lib/api';
import { useFocusAfterRemoval } from '@/components/focus-after-removal';
import { useToast } from '@/components/toast';

type Options<T> = {
  /** Matches the list item holding each item's Delete button (see `useFocusAfterRemoval`). */
  itemSelector: string;
  /** Given the item (e.g. a product, deleted only if it is still the version shown). */
  mutation: Pick<UseMutationResult<DeleteResult, Error, T>, 'mutate' | 'isPending'>;
  /** The toasts: deleted, already deleted elsewhere, or failed. */
  said: {
    deleted: (item: T) => string;
    alreadyGone: (item: T) => string;
    failed: (item: T, error: Error) => string;
  };
};

/**
 * Deleting one item of a list after a confirmation: `ask(item)`, from the item's Delete button,
 * opens a `ConfirmDialog` given `dialogProps` (the caller adds the title and message about
 * `item`). The dialog closes once the delete has ended, either way; after a delete the keyboard
 * focus goes to a neighbour's Delete button.
 */
export function useConfirmedDelete<T extends { id: number }>({ itemSelector, mutation, said }: Options<T>) {
  const [item, setItem] = useState<T | null>(null);
  const focusAfterRemoval = useFocusAfterRemoval(itemSelector);
  const toast = useToast();

  // Stable: a table builds its row buttons once, with it.
  const ask = useCallback(
    (target: T) => {
      focusAfterRemoval.opening();
      setItem(target);
    },
    [focusAfterRemoval],
  );

  function confirm() {
    if (!item) return;
    const target = item;
    mutation.mutate(target, {
      onSuccess: (result) => {
        focusAfterRemoval.removed();
        // Deleted elsewhere meanwhile: what was asked for is done, and the list is fetched again.
        if (result === 'already-gone') toast.info(said.alreadyGone(target));
        else toast.success(said.deleted(target));
      },
      onError: (error) => toast.error(said.failed(target, error)),
      onSettled: () => setItem(null),
    });
  }

  return {
    item,
    ask,
    dialogProps: {
      open: item !== null,
      isLoading: mutation.isPending,
      returnFocus: focusAfterRemoval.returnFocus,
      onClose: () => setItem(null),
      onConfirm: confirm,
    },
  };
}
