import { useEffect, useState, type RefObject } from 'react';

/**
 * After a submit refused for some fields (e.g. left empty, or a SKU taken), makes them known:
 * `summaryRef` (a live region) is told how many there are and which, and the keyboard focus goes
 * to the first one (`aria-invalid`), unless it is on a field with an error already. The summary
 * is what a screen reader hears when the focus does not move, and what tells it of the fields
 * after the first. Returns what to call once each submit has ended (the errors shown).
 */
export function useFieldsAtFaultMadeKnown(
  formRef: RefObject<HTMLFormElement | null>,
  summaryRef: RefObject<HTMLElement | null>,
): () => void {
  const [submits, setSubmits] = useState(0);

  useEffect(() => {
    if (submits === 0) return;
    const form = formRef.current;
    if (!form) return;
    if (summaryRef.current) announce(summaryRef.current, fieldErrorSummary(form));
    if (document.activeElement?.getAttribute('aria-invalid') === 'true') return;
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [submits, formRef, summaryRef]);

  return () => setSubmits((count) => count + 1);
}

/** E.g. "2 fields need attention: SKU, Name." Empty when no field is at fault (the form's own
 * error, if any, is an alert of its own). Each field's message is read with the field, as its
 * description: the summary only names the fields, so that no message is on the page twice. */
export function fieldErrorSummary(form: HTMLFormElement): string {
  const invalid = [...form.querySelectorAll<HTMLElement>('[aria-invalid="true"]')];
  // The boxes of a group share one name (and one message): the group is one field.
  const names = [...new Set(invalid.map(fieldName))];
  if (names.length === 0) return '';
  const count = names.length === 1 ? '1 field needs' : `${names.length} fields need`;
  return `${count} attention: ${names.join(', ')}.`;
}

/** A group's boxes go by the group's legend, any other control by its label. */
function fieldName(control: HTMLElement): string {
  const legend = control.closest('fieldset')?.querySelector(':scope > legend');
  const label = legend ?? (control as HTMLInputElement).labels?.[0];
  return label ? spokenText(label) : '';
}

/** The text a screen reader reads: without what is hidden from it (a required field's "*"). */
function spokenText(element: Element): string {
  const copy = element.cloneNode(true) as Element;
  for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
  return copy.textContent?.trim() ?? '';
}

/** A new node each time: the same summary after another refused submit is read again. */
function announce(region: HTMLElement, summary: string) {
  const line = document.createElement('span');
  line.textContent = summary;
  region.replaceChildren(line);
}
