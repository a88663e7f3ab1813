/** After Load current values (`ConflictAlert`), whose button is gone: the person goes on in the
 * form's first field, unless they went on editing one while the values loaded. */
export function focusFirstFieldUnlessInOne(formId: string) {
  const form = document.getElementById(formId);
  const active = document.activeElement;
  if (active && form?.contains(active) && active.matches('input, textarea')) return;
  form?.querySelector<HTMLElement>('input, textarea')?.focus();
}
