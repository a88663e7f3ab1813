import { useEffect, useState, type RefObject } from 'react';

/**
 * After a save refused for a field (e.g. a SKU taken), the keyboard focus goes to the field at
 * fault (`aria-invalid`), unless it is on a field with an error already. Returns what to call
 * once each submit has ended (the errors shown).
 */
export function useFocusFieldAtFault(formRef: RefObject<HTMLFormElement | null>): () => void {
  const [submits, setSubmits] = useState(0);

  useEffect(() => {
    if (submits === 0) return;
    const form = formRef.current;
    if (!form || document.activeElement?.getAttribute('aria-invalid') === 'true') return;
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [submits, formRef]);

  return () => setSubmits((count) => count + 1);
}
