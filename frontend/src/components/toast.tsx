import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import { pageHeading } from './focus-after-removal';
import { isFocusable } from './modal-stack';

export type ToastKind = 'success' | 'error' | 'info';
/** A button in the toast that follows up on what it says (e.g. "Show it"), then dismisses it. */
export type ToastAction = { label: string; onAction: () => void };
type ToastOptions = { action?: ToastAction };
type ToastItem = { id: number; kind: ToastKind; message: string; action?: ToastAction };

type ToastApi = {
  show: (kind: ToastKind, message: string, options?: ToastOptions) => void;
  success: (message: string, options?: ToastOptions) => void;
  error: (message: string, options?: ToastOptions) => void;
  info: (message: string, options?: ToastOptions) => void;
};

const ToastContext = createContext<ToastApi | null>(null);

const DURATION_MS: Record<ToastKind, number> = { success: 5000, info: 5000, error: 9000 };

/** A toast with an action: long enough to reach it from the keyboard (Shift+Tab from the top of
 * the page reaches the toasts first), and held while it has the focus or the pointer. One that
 * stayed until dismissed covered the page's last controls (the pager) for good. */
const ACTION_DURATION_MS = 30_000;

/** Left to a toast once the pointer or the focus leaves it: one held until its last moment would
 * otherwise vanish as it is let go, before it could be read again. */
const MIN_LEFT_AFTER_HOLD_MS = 2000;

/** A toast's time on screen: running down, or held (hovered, or holding the focus) with some left. */
type Countdown = { timer: number; endsAt: number } | { leftMs: number };

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
  // inside a state update, which may run twice); and each toast's countdown.
  const shown = useRef<ToastItem[]>([]);
  const countdowns = useRef(new Map<number, Countdown>());
  const nextId = useRef(1);
  const region = useRef<HTMLDivElement>(null);
  // The place, among the cards, of a toast that goes while holding the keyboard focus; and the
  // element the focus came from into the toasts, where it goes back once none is left to take it.
  const focusLostAt = useRef<number | null>(null);
  const focusCameFrom = useRef<HTMLElement | null>(null);
  // A toast went as its action was used: what it acted on is on the page.
  const acted = useRef(false);

  useLayoutEffect(() => {
    const place = focusLostAt.current;
    const afterAction = acted.current;
    focusLostAt.current = null;
    acted.current = false;
    if (place === null) return;
    // Its action used, the focus goes to the top of the page that shows what it acted on, not back
    // where it came from: the last control before the toasts, e.g. a page's "Delete all".
    const heading = afterAction ? pageHeading() : null;
    if (heading) return heading.focus();
    // The focus would drop to the page's body: it goes to the toast now in that place, else the
    // last one, else back where it came from, else to the page's heading.
    const buttons = [...(region.current?.querySelectorAll<HTMLElement>('[data-toast-dismiss]') ?? [])];
    const cameFrom = isFocusable(focusCameFrom.current) ? focusCameFrom.current : null;
    (buttons[Math.min(place, buttons.length - 1)] ?? cameFrom ?? pageHeading())?.focus();
  }, [toasts]);

  const rememberWhereFocusCameFrom = useCallback((event: FocusEvent<HTMLElement>) => {
    const from = event.relatedTarget;
    if (from instanceof HTMLElement && !event.currentTarget.contains(from)) focusCameFrom.current = from;
  }, []);

  const stopCountdown = useCallback((id: number) => {
    const countdown = countdowns.current.get(id);
    if (countdown && 'timer' in countdown) window.clearTimeout(countdown.timer);
    countdowns.current.delete(id);
  }, []);

  useEffect(() => {
    const running = countdowns.current;
    return () => {
      for (const id of running.keys()) stopCountdown(id);
    };
  }, [stopCountdown]);

  const showOnly = useCallback(
    (next: ToastItem[]) => {
      const cards = [...(region.current?.querySelectorAll<HTMLElement>('[data-toast-id]') ?? [])];
      const focused = cards.findIndex((card) => card.contains(document.activeElement));
      if (focused >= 0 && !next.some((toast) => String(toast.id) === cards[focused].dataset.toastId)) {
        focusLostAt.current = focused;
      }
      for (const id of countdowns.current.keys()) {
        if (!next.some((toast) => toast.id === id)) stopCountdown(id);
      }
      shown.current = next;
      setToasts(next);
    },
    [stopCountdown],
  );

  const dismiss = useCallback(
    (id: number) => showOnly(shown.current.filter((toast) => toast.id !== id)),
    [showOnly],
  );

  const runAction = useCallback(
    (toast: ToastItem) => {
      acted.current = true;
      dismiss(toast.id);
      toast.action?.onAction();
    },
    [dismiss],
  );

  const runCountdown = useCallback(
    (id: number, leftMs: number) => {
      stopCountdown(id);
      countdowns.current.set(id, { timer: window.setTimeout(() => dismiss(id), leftMs), endsAt: Date.now() + leftMs });
    },
    [dismiss, stopCountdown],
  );

  const hold = useCallback((id: number) => {
    const countdown = countdowns.current.get(id);
    if (!countdown || !('timer' in countdown)) return;
    window.clearTimeout(countdown.timer);
    countdowns.current.set(id, { leftMs: countdown.endsAt - Date.now() });
  }, []);

  const release = useCallback(
    (id: number) => {
      const countdown = countdowns.current.get(id);
      if (countdown && 'leftMs' in countdown) runCountdown(id, Math.max(countdown.leftMs, MIN_LEFT_AFTER_HOLD_MS));
    },
    [runCountdown],
  );

  const show = useCallback(
    (kind: ToastKind, message: string, { action }: ToastOptions = {}) => {
      // The same again (e.g. the same failure of a repeated action) is not stacked: it replaces
      // the earlier one, under a new id, so that the live region announces it again and it shows
      // as the newest.
      const others = shown.current.filter((toast) => toast.kind !== kind || toast.message !== message);
      const toast = { id: nextId.current++, kind, message, action };
      showOnly([...others.slice(-(MAX_SHOWN - 1)), toast]);
      runCountdown(toast.id, action ? ACTION_DURATION_MS : DURATION_MS[kind]);
    },
    [showOnly, runCountdown],
  );

  const api = useMemo<ToastApi>(
    () => ({
      show,
      success: (message, options) => show('success', message, options),
      error: (message, options) => show('error', message, options),
      info: (message, options) => show('info', message, options),
    }),
    [show],
  );

  // Errors in an assertive region of their own, the others in a polite one.
  const cards = (errors: boolean) =>
    toasts
      .filter((toast) => (toast.kind === 'error') === errors)
      .map((toast) => (
        <ToastCard
          key={toast.id}
          toast={toast}
          onAction={runAction}
          onDismiss={dismiss}
          onHold={hold}
          onRelease={release}
        />
      ));

  return (
    <ToastContext.Provider value={api}>
      {children}
      {createPortal(
        <div
          ref={region}
          onFocus={rememberWhereFocusCameFrom}
          className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end"
        >
          <div role="status" aria-live="polite" className="contents">
            {cards(false)}
          </div>
          <div role="alert" aria-live="assertive" className="contents">
            {cards(true)}
          </div>
        </div>,
        document.body,
      )}
    </ToastContext.Provider>
  );
}

type ToastCardProps = {
  toast: ToastItem;
  /** Its action was used: it goes, and the action runs. */
  onAction: (toast: ToastItem) => void;
  onDismiss: (id: number) => void;
  /** The toast is hovered or holds the focus: its time stops running until `onRelease`. */
  onHold: (id: number) => void;
  onRelease: (id: number) => void;
};

function ToastCard({ toast, onAction, onDismiss, onHold, onRelease }: ToastCardProps) {
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const held = hovered || focused;
  const messageId = useId();
  const { action } = toast;

  useEffect(() => {
    if (!held) return;
    onHold(toast.id);
    return () => onRelease(toast.id);
  }, [held, toast.id, onHold, onRelease]);

  return (
    <div
      data-testid="toast"
      data-kind={toast.kind}
      data-toast-id={toast.id}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={(event) => setFocused(event.currentTarget.contains(event.relatedTarget))}
      className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-md border-l-4 px-4 py-3 text-sm shadow-lg ring-1 ring-slate-200 ${styles[toast.kind]}`}
    >
      <p id={messageId} className="min-w-0 flex-1 wrap-anywhere">
        {toast.message}
      </p>
      {action && (
        // Its label is short ("Show it"): the message says what it acts on.
        <button
          type="button"
          onClick={() => onAction(toast)}
          aria-describedby={messageId}
          className="-my-0.5 inline-flex min-h-6 items-center rounded font-medium whitespace-nowrap underline underline-offset-2 hover:no-underline"
        >
          {action.label}
        </button>
      )}
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        className="-my-0.5 inline-flex min-h-6 min-w-6 items-center justify-center rounded text-current opacity-70 hover:opacity-100"
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
