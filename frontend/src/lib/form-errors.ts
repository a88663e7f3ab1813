import type { ApiError } from './api';

type ErrorsByField<Field extends string> = Partial<Record<Field | 'form', string>>;

/**
 * A validation error's (422) messages, each under the form field it names; one about anything
 * else (the whole body, or an item of a list, whose location ends with its index) goes under
 * `form`. Messages for the same field are joined. Null when `error` is no 422 with messages.
 */
export function validationErrorsFor<Field extends string>(
  error: ApiError,
  fields: readonly Field[],
): ErrorsByField<Field> | null {
  if (error.status !== 422) return null;
  const errors: ErrorsByField<Field> = {};
  for (const { field, message } of error.fieldErrors) {
    const key = (fields as readonly string[]).includes(field) ? (field as Field) : 'form';
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  }
  return Object.keys(errors).length ? errors : null;
}
