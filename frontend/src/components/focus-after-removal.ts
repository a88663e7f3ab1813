import { useState } from 'react';

/**
 * Where the keyboard focus goes when the list item holding `button` (an element matching
 * `itemSelector`) is removed: the same button (same `data-item-action`) on the next item, else on
 * the previous one, else the page's main heading. Asked while the item is still on the page.
 */
export function focusTargetAfterRemoval(button: HTMLElement | null, itemSelector: string): HTMLElement | null {
  const item = button?.closest(itemSelector);
  const action = button?.dataset.itemAction;
  if (item && action) {
    for (const neighbour of [item.nextElementSibling, item.previousElementSibling]) {
      const same = neighbour?.matches(itemSelector)
        ? neighbour.querySelector<HTMLElement>(`[data-item-action="${action}"]`)
        : null;
      if (same) return same;
    }
  }
  return document.querySelector<HTMLElement>('main h1');
}

/**
 * For a dialog that deletes the item whose button opened it: call `opening()` as the dialog
 * opens (while the button has the focus), give the dialog `returnFocus`, and call `removed()` once
 * the deletion succeeded. Closing then gives the focus to a neighbour (see
 * `focusTargetAfterRemoval`) instead of back to the button, which is about to go. The neighbour is
 * found in `removed()`, while the item is still on the page: the list is fetched again at once
 * and may drop the item before the dialog has closed.
 */
export function useFocusAfterRemoval(itemSelector: string) {
  const [handlers] = useState(() => {
    let opener: HTMLElement | null = null;
    let target: HTMLElement | null | undefined;
    return {
      opening: () => {
        opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        target = undefined;
      },
      removed: () => {
        target = focusTargetAfterRemoval(opener, itemSelector);
      },
      returnFocus: (openedBy: HTMLElement | null) => {
        const found = target;
        opener = null;
        target = undefined;
        return found === undefined ? openedBy : found;
      },
    };
  });
  return handlers;
}
