/**
 * The open modals, the last opened on top (e.g. the token prompt over an edit dialog whose save
 * was refused). Only the top one takes the keyboard; the page and the modals under it are inert
 * until it closes.
 */
export type OpenModal = {
  /** The modal's outermost element: made inert while another modal is over it. */
  layer: HTMLElement;
  /** Where the focus was when the modal opened. */
  opener: HTMLElement | null;
  onKeyDown: (event: KeyboardEvent) => void;
  /** Focuses the modal's first field, else its panel: where the focus goes back to when the
   * modal over it was opened from nowhere (e.g. by a click on the backdrop). */
  focusDefault: () => void;
};

const stack: OpenModal[] = [];

function setPageInert(inert: boolean) {
  const root = document.getElementById('root');
  root?.toggleAttribute('inert', inert);
}

function onKeyDown(event: KeyboardEvent) {
  stack.at(-1)?.onKeyDown(event);
}

/** The modal on top, if any. */
export function topModal(): OpenModal | undefined {
  return stack.at(-1);
}

/** An element the focus can go back to: not the page's body (where a click on nothing leaves it). */
export function isFocusable(element: HTMLElement | null): element is HTMLElement {
  return Boolean(element && element !== document.body && element.isConnected);
}

/** `item` is leaving the page: an open modal opened from inside it gives the focus back, on
 * closing, to `replacement(opener)` instead. */
export function replaceOpenersWithin(item: Element, replacement: (opener: HTMLElement) => HTMLElement | null) {
  for (const modal of stack) {
    if (modal.opener && item.contains(modal.opener)) modal.opener = replacement(modal.opener);
  }
}

export function pushModal(modal: OpenModal) {
  const below = stack.at(-1);
  if (below) {
    below.layer.toggleAttribute('inert', true);
  } else {
    setPageInert(true);
    document.addEventListener('keydown', onKeyDown);
  }
  stack.push(modal);
}

/**
 * Takes `modal` off the stack and makes the new top one usable again. Returns whether it was on
 * top: only then does the focus go back to its opener (else the focus is in the modal above).
 */
export function removeModal(modal: OpenModal): boolean {
  const index = stack.indexOf(modal);
  if (index === -1) return false;
  const wasOnTop = index === stack.length - 1;
  stack.splice(index, 1);
  // The modal that was over this one was opened from inside it: when it closes, the focus goes
  // where this one would have sent it.
  const above = stack[index];
  if (above && (!isFocusable(above.opener) || modal.layer.contains(above.opener))) above.opener = modal.opener;
  const top = stack.at(-1);
  if (top) {
    top.layer.toggleAttribute('inert', false);
  } else {
    setPageInert(false);
    document.removeEventListener('keydown', onKeyDown);
  }
  return wasOnTop;
}
