import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';
import { replaceOpenersWithin } from './modal-stack';

/**
 * Where the keyboard focus goes when the list item holding `button` (an element matching
 * `itemSelector`) is removed: the same button (same `data-item-action`) on the next item, else on
 * the previous one, else the dialog holding the item, if any, else the page's main heading. Asked
 * while the item is still on the page.
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
  // The page behind an open dialog is inert: in one, the dialog itself (named by its heading)
  // stands in for the page's heading.
  return button?.closest<HTMLElement>('[aria-modal="true"]') ?? pageHeading();
}

/** The page's main heading, where the keyboard focus goes when what had it goes with nothing
 * near it to take it. */
export function pageHeading(): HTMLElement | null {
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

/**
 * For a list item (`ref`, matching `itemSelector`) that a refetch may drop while it holds the
 * keyboard focus: deleted elsewhere, or no longer matching the list's filter after its switch
 * or an edit. The focus then goes where it goes after a delete (see `focusTargetAfterRemoval`)
 * instead of to the page's body; so does the focus a dialog opened from the item gives back.
 */
export function useFocusMovedOnRemoval(ref: RefObject<HTMLElement | null>, itemSelector: string) {
  const target = useCallback((from: HTMLElement) => focusTargetAfterRemoval(from, itemSelector), [itemSelector]);
  useFocusPassedOnRemoval(ref, target);
}

/**
 * For an element (`ref`) that goes while holding the keyboard focus, or while a dialog opened from
 * it is open: the focus goes to `target(from)` (`from`, the element inside it that had the focus
 * or opened the dialog) instead of to the page's body. Give a stable `target`.
 */
export function useFocusPassedOnRemoval(
  ref: RefObject<HTMLElement | null>,
  target: (from: HTMLElement) => HTMLElement | null,
) {
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Run while the element is still on the page, so that its neighbours can be found. A
    // neighbour that goes in the same update passes the focus on in turn.
    return () => {
      const active = document.activeElement;
      if (active instanceof HTMLElement && element.contains(active)) target(active)?.focus();
      replaceOpenersWithin(element, target);
    };
  }, [ref, target]);
}
