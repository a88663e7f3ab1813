import { useId, useState } from 'react';
import { useDebouncedCallback } from '@/hooks/use-debounced-callback';

type SearchInputProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  delayMs?: number;
  type?: 'search' | 'text';
  className?: string;
  hideLabel?: boolean;
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
}: SearchInputProps) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [lastValue, setLastValue] = useState(value);
  const emit = useDebouncedCallback(onChange, delayMs);

  if (value !== lastValue) {
    // The value changed from outside (back button, "Clear filters"): show it.
    setLastValue(value);
    setDraft(value);
  }

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
        onChange={(event) => {
          setDraft(event.target.value);
          emit(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            emit.cancel();
            onChange(draft);
          }
        }}
        className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-indigo-600 focus:outline-none"
      />
    </div>
  );
}
