import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { isFocusable, pushModal, removeModal, topModal, type OpenModal } from './modal-stack';

const FIELDS = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])';
const FOCUSABLE = `a[href], button:not([disabled]), ${FIELDS}, [tabindex]:not([tabindex="-1"])`;

export type ModalProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  /** Element to focus when the modal opens; defaults to the first field of the body, else Close. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Where the focus goes when the modal closes, given the element that had it when the modal
   * opened (asked at that moment); defaults to that element. */
  returnFocus?: (opener: HTMLElement | null) => HTMLElement | null;
  size?: 'md' | 'lg' | 'xl';
  /** Set while a request runs so Escape and the backdrop do not close the modal mid-way. */
  preventClose?: boolean;
  role?: 'dialog' | 'alertdialog';
};

const widths = { md: 'sm:max-w-lg', lg: 'sm:max-w-2xl', xl: 'sm:max-w-4xl' };

/** Focuses the first candidate that takes the focus (a hidden one does not), skipping the ones
 * that say they cannot act (`aria-disabled`, e.g. a pager's button with no page to go to). */
function focusFirstAvailable(candidates: (HTMLElement | null | undefined)[]) {
  for (const candidate of candidates) {
    if (!candidate || candidate.getAttribute('aria-disabled') === 'true') continue;
    candidate.focus();
    if (document.activeElement === candidate) return;
  }
}

/**
 * The one modal: a labelled dialog rendered over an inert page, which keeps focus inside,
 * closes on Escape and gives focus back to whatever opened it. A modal opened over another one
 * (see `modal-stack`) takes the keyboard until it closes.
 */
export function Modal({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  initialFocus,
  returnFocus,
  size = 'md',
  preventClose = false,
  role = 'dialog',
}: ModalProps) {
  const titleId = useId();
  const descriptionId = useId();
  const layerRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  const preventCloseRef = useRef(preventClose);
  const returnFocusRef = useRef(returnFocus);

  useEffect(() => {
    closeRef.current = onClose;
    preventCloseRef.current = preventClose;
    returnFocusRef.current = returnFocus;
  });

  useEffect(() => {
    const layer = layerRef.current;
    const panel = panelRef.current;
    if (!open || !layer || !panel) return;
    const close = () => {
      if (!preventCloseRef.current) closeRef.current();
    };
    const modal: OpenModal = {
      layer,
      opener: document.activeElement as HTMLElement | null,
      onKeyDown: (event) => handleKeyDown(event, panel, close),
      focusDefault: () => focusFirstAvailable([...(bodyRef.current?.querySelectorAll<HTMLElement>(FIELDS) ?? []), panel]),
    };
    pushModal(modal);
    // Focus what the person came to do: the given element, else the first field of the body.
    // A body without fields (a log, a table) gets no control of its own pressed by mistake: the
    // first control of the dialog, Close, takes the focus.
    focusFirstAvailable([
      initialFocus?.current,
      ...(bodyRef.current?.querySelectorAll<HTMLElement>(FIELDS) ?? []),
      ...panel.querySelectorAll<HTMLElement>(FOCUSABLE),
      panel,
    ]);

    return () => {
      if (!removeModal(modal)) return;
      const target = returnFocusRef.current ? returnFocusRef.current(modal.opener) : modal.opener;
      // Opened from nowhere (a click on the backdrop below leaves the focus on the page's body):
      // the modal below, if any, takes it back.
      if (isFocusable(target)) target.focus();
      else topModal()?.focusDefault();
    };
  }, [open, initialFocus]);

  if (!open) return null;

  return createPortal(
    <div ref={layerRef} className="fixed inset-0 z-40 flex items-end justify-center p-0 sm:items-center sm:p-4">
      <div
        className="fixed inset-0 bg-slate-900/50"
        aria-hidden="true"
        data-testid="modal-backdrop"
        onClick={() => {
          if (!preventClose) onClose();
        }}
      />
      <div
        ref={panelRef}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        className={`relative flex max-h-[92vh] w-full flex-col rounded-t-xl bg-white shadow-xl sm:rounded-xl ${widths[size]}`}
      >
        <div className="flex items-start justify-between gap-4 border-b border-slate-200 px-5 py-4">
          {/* Long unbroken text (a 64-character SKU, a URL) wraps: it must not push Close out. */}
          <div className="min-w-0 flex-1 wrap-anywhere">
            <h2 id={titleId} className="text-lg font-semibold text-slate-900">
              {title}
            </h2>
            {description && (
              <div id={descriptionId} className="mt-1 text-sm text-slate-600">
                {description}
              </div>
            )}
          </div>
          <button
            type="button"
            onClick={onClose}
            disabled={preventClose}
            aria-label="Close"
            className="-m-1 shrink-0 rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800 disabled:opacity-40"
          >
            <svg viewBox="0 0 20 20" className="size-5" aria-hidden="true" fill="currentColor">
              <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
            </svg>
          </button>
        </div>
        <div ref={bodyRef} className="min-w-0 overflow-y-auto px-5 py-4">
          {children}
        </div>
        {footer && (
          <div className="flex flex-col-reverse gap-2 border-t border-slate-200 px-5 py-3 sm:flex-row sm:justify-end">
            {footer}
          </div>
        )}
      </div>
    </div>,
    document.body,
  );
}

/** Escape closes; Tab and Shift+Tab go round the panel's controls and never leave it. */
function handleKeyDown(event: KeyboardEvent, panel: HTMLElement, close: () => void) {
  if (event.key === 'Escape') {
    event.stopPropagation();
    close();
    return;
  }
  if (event.key !== 'Tab') return;
  const items = Array.from(panel.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((item) => !item.closest('[inert]'));
  if (items.length === 0) {
    event.preventDefault();
    panel.focus();
    return;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !panel.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !panel.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}
