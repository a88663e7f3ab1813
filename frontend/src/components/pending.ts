import type { MouseEvent } from 'react';

/**
 * Props for a control whose action is pending: it says so (`aria-disabled`) and ignores presses,
 * instead of being `disabled`, which would drop the keyboard focus to the page. Ignoring a press
 * cancels the click, so a submit button does not submit and a file input opens no chooser.
 */
export function pendingProps<T extends HTMLElement>(pending: boolean, onClick?: (event: MouseEvent<T>) => void) {
  return {
    'aria-disabled': pending || undefined,
    onClick: (event: MouseEvent<T>) => {
      if (pending) event.preventDefault();
      else onClick?.(event);
    },
  };
}
