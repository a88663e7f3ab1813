import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { pageHeading } from './focus-after-removal';

export type ToastKind = 'success' | 'error' | 'info';
type ToastItem = { id: number; kind: ToastKind; message: string };

type ToastApi = {
  show: (kind: ToastKind, message: string) => void;
  success: (message: string) => void;
  error: (message: string) => void;
  info: (message: string) => void;
};

const ToastContext = createContext<ToastApi | null>(null);

const DURATION_MS: Record<ToastKind, number> = { success: 5000, info: 5000, error: 9000 };

/** More would cover the page: the oldest makes way. */
const MAX_SHOWN = 3;

const styles: Record<ToastKind, string> = {
  success: 'border-emerald-600 bg-emerald-50 text-emerald-900',
  error: 'border-red-600 bg-red-50 text-red-900',
  info: 'border-slate-500 bg-white text-slate-900',
};

/** Toasts for the results of actions: announced politely, errors assertively, dismissible. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  // What is on screen, for `show` to find a toast identical to a new one and replace it (not from
  // inside a state update, which may run twice); and each toast's timer.
  const shown = useRef<ToastItem[]>([]);
  const timers = useRef(new Map<number, number>());
  const nextId = useRef(1);
  const region = useRef<HTMLDivElement>(null);
  // The place, among the cards, of a toast that goes while holding the keyboard focus.
  const focusLostAt = useRef<number | null>(null);

  useLayoutEffect(() => {
    const place = focusLostAt.current;
    if (place === null) return;
    focusLostAt.current = null;
    // The focus would drop to the page's body: it goes to the toast now in that place, else the
    // last one, else the page's heading.
    const buttons = [...(region.current?.querySelectorAll<HTMLElement>('[data-toast-dismiss]') ?? [])];
    (buttons[Math.min(place, buttons.length - 1)] ?? pageHeading())?.focus();
  }, [toasts]);

  const showOnly = useCallback((next: ToastItem[]) => {
    const cards = [...(region.current?.querySelectorAll<HTMLElement>('[data-toast-id]') ?? [])];
    const focused = cards.findIndex((card) => card.contains(document.activeElement));
    if (focused >= 0 && !next.some((toast) => String(toast.id) === cards[focused].dataset.toastId)) {
      focusLostAt.current = focused;
    }
    for (const [id, timer] of timers.current) {
      if (next.some((toast) => toast.id === id)) continue;
      window.clearTimeout(timer);
      timers.current.delete(id);
    }
    shown.current = next;
    setToasts(next);
  }, []);

  const dismiss = useCallback(
    (id: number) => showOnly(shown.current.filter((toast) => toast.id !== id)),
    [showOnly],
  );

  const startTimer = useCallback(
    (toast: ToastItem) => {
      window.clearTimeout(timers.current.get(toast.id));
      timers.current.set(toast.id, window.setTimeout(() => dismiss(toast.id), DURATION_MS[toast.kind]));
    },
    [dismiss],
  );

  const show = useCallback(
    (kind: ToastKind, message: string) => {
      // The same again (e.g. the same failure of a repeated action) is not stacked: it replaces
      // the earlier one, under a new id, so that the live region announces it again and it shows
      // as the newest.
      const others = shown.current.filter((toast) => toast.kind !== kind || toast.message !== message);
      const toast = { id: nextId.current++, kind, message };
      showOnly([...others.slice(-(MAX_SHOWN - 1)), toast]);
      startTimer(toast);
    },
    [showOnly, startTimer],
  );

  const api = useMemo<ToastApi>(
    () => ({
      show,
      success: (message) => show('success', message),
      error: (message) => show('error', message),
      info: (message) => show('info', message),
    }),
    [show],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      {createPortal(
        <div
          ref={region}
          className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end"
        >
          <div role="status" aria-live="polite" className="contents">
            {toasts
              .filter((toast) => toast.kind !== 'error')
              .map((toast) => (
                <ToastCard key={toast.id} toast={toast} onDismiss={dismiss} />
              ))}
          </div>
          <div role="alert" aria-live="assertive" className="contents">
            {toasts
              .filter((toast) => toast.kind === 'error')
              .map((toast) => (
                <ToastCard key={toast.id} toast={toast} onDismiss={dismiss} />
              ))}
          </div>
        </div>,
        document.body,
      )}
    </ToastContext.Provider>
  );
}

function ToastCard({ toast, onDismiss }: { toast: ToastItem; onDismiss: (id: number) => void }) {
  return (
    <div
      data-testid="toast"
      data-kind={toast.kind}
      data-toast-id={toast.id}
      className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-md border-l-4 px-4 py-3 text-sm shadow-lg ring-1 ring-slate-200 ${styles[toast.kind]}`}
    >
      <p className="min-w-0 flex-1 wrap-anywhere">{toast.message}</p>
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        className="rounded px-1 text-current opacity-70 hover:opacity-100"
        aria-label="Dismiss notification"
        data-toast-dismiss
      >
        ×
      </button>
    </div>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast must be used inside <ToastProvider>');
  return api;
}
