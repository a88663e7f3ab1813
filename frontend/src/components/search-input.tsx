import { useId, useLayoutEffect, useRef, useState } from 'react';
import { useDebouncedCallback } from '@/hooks/use-debounced-callback';

/** `refining`: the value continues one already sent from the same stretch of typing (the field
 * kept the focus since, with no long pause), so a caller keeping it in the URL replaces that
 * history entry: one entry per search, not one per pause in the typing. */
export type SearchChange = { refining: boolean };

/** A pause this long after a search was sent means its results were read: what is typed next is a
 * new search, with its own history entry. */
export const NEW_SEARCH_AFTER_MS = 2_000;

type SearchInputProps = {
  label: string;
  value: string;
  onChange: (value: string, change: SearchChange) => void;
  placeholder?: string;
  delayMs?: number;
  type?: 'search' | 'text';
  className?: string;
  hideLabel?: boolean;
  maxLength?: number;
};

/** A text input whose changes reach `onChange` once typing pauses; follows outside changes. */
export function SearchInput({
  label,
  value,
  onChange,
  placeholder,
  delayMs = 300,
  type = 'search',
  className = '',
  hideLabel = false,
  maxLength,
}: SearchInputProps) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [lastValue, setLastValue] = useState(value);
  // The value the last search sent comes back as (trimmed, as the URL keeps it), until it has.
  const [awaitedValue, setAwaitedValue] = useState<string | null>(null);
  const [outsideChanges, setOutsideChanges] = useState(0);
  const refining = useRef(false);
  const lastSentAt = useRef(0);
  const send = (next: string) => {
    const now = Date.now();
    onChange(next, { refining: refining.current && now - lastSentAt.current < NEW_SEARCH_AFTER_MS });
    refining.current = true;
    lastSentAt.current = now;
    setAwaitedValue(next.trim());
  };
  const emit = useDebouncedCallback(send, delayMs);

  if (value !== lastValue) {
    setLastValue(value);
    setAwaitedValue(null);
    // Not the search sent coming back (the person may have typed on meanwhile), but a change
    // from outside (back button, "Clear filters"): show it, unless the box says it already
    // ("red " is the search "red", and the next word is on its way).
    if (value !== awaitedValue) {
      setOutsideChanges((count) => count + 1);
      if (value !== draft.trim()) setDraft(value);
    }
  }

  // What was typed before a change from outside is not sent after it.
  useLayoutEffect(() => emit.cancel(), [outsideChanges, emit]);

  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'mb-1 block text-xs font-medium text-slate-700'}>
        {label}
      </label>
      <input
        id={id}
        type={type}
        value={draft}
        placeholder={placeholder}
        maxLength={maxLength}
        onChange={(event) => {
          setDraft(event.target.value);
          emit(event.target.value);
        }}
        onFocus={() => {
          refining.current = false;
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            // Enter ends the search: what is typed next is a new one. The search already shown is
            // not sent again: a caller keeping it in the URL would add the same history entry.
            emit.cancel();
            if (draft.trim() !== value) send(draft);
            refining.current = false;
          }
        }}
        className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-slate-500 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-indigo-600 focus:outline-none"
      />
    </div>
  );
}
