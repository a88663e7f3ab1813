import type { MouseEvent } from 'react';

/**
 * Props for a control that cannot act right now (its action is pending, or there is no next
 * page) but may hold the keyboard focus: it says so (`aria-disabled`) and ignores presses,
 * instead of being `disabled`, which would drop the focus to the page. Ignoring a press cancels
 * the click, so a submit button does not submit and a file input opens no chooser.
 */
export function focusKeepingProps<T extends HTMLElement>(
  inactive: boolean,
  onClick?: (event: MouseEvent<T>) => void,
) {
  return {
    'aria-disabled': inactive || undefined,
    onClick: (event: MouseEvent<T>) => {
      if (inactive) event.preventDefault();
      else onClick?.(event);
    },
  };
}
