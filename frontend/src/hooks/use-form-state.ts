import { useState } from 'react';

/** Messages keyed by field, plus `form` for what belongs to no single field. */
export type FormErrors<Values> = Partial<Record<keyof Values | 'form', string>>;

/**
 * The values and errors of one form: editing a field clears its error and the form's;
 * `submitWith` validates first, then saves, and maps what the save throws onto the fields.
 */
export function useFormState<Values extends object>(
  initial: () => Values,
  validate: (values: Values) => FormErrors<Values>,
  toErrors: (error: unknown) => FormErrors<Values>,
) {
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<FormErrors<Values>>({});

  function set<K extends keyof Values>(key: K, value: Values[K]) {
    setValues((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined, form: undefined }));
  }

  /** Puts new values in the form (e.g. the record as it is now), clearing every error. */
  function reset(next: Values) {
    setValues(next);
    setErrors({});
  }

  async function submitWith(save: (values: Values) => Promise<void>) {
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await save(values);
    } catch (error) {
      setErrors(toErrors(error));
    }
  }

  return { values, errors, set, reset, submitWith };
}
