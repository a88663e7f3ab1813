import { ApiError } from './api-error';

type ErrorsByField<Field extends string> = Partial<Record<Field | 'form', string>>;

/**
 * A validation error's (422) messages, each under the form field it names; one about anything
 * else (the whole body, or an item of a list, whose location ends with its index) goes under
 * `form`. Messages for the same field are joined. Null when `error` is no 422 with messages.
 */
function validationErrorsFor<Field extends string>(
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

/** What an edit form says when the record it edits was changed (412) or deleted (404) elsewhere. */
type RecordMessages = { changedElsewhere: string; gone: string };

/**
 * Maps a save's error onto an edit form: a 422 under the fields it names; the record changed
 * since the dialog opened (412), deleted (404) and the rest belong to the whole form.
 */
export function saveErrorToFormErrors<Field extends string>(
  error: unknown,
  fields: readonly Field[],
  { changedElsewhere, gone }: RecordMessages,
): ErrorsByField<Field> {
  if (!(error instanceof ApiError)) return formError('Something went wrong. Please try again.');
  const invalid = validationErrorsFor(error, fields);
  if (invalid) return invalid;
  if (error.status === 412) return formError(changedElsewhere);
  if (error.status === 404) return formError(gone);
  return formError(error.message);
}

/** `message` on the whole form. (TypeScript cannot tell that `{ form }` fits any `Field`.) */
function formError<Field extends string>(message: string): ErrorsByField<Field> {
  const errors: ErrorsByField<Field> = {};
  errors.form = message;
  return errors;
}
