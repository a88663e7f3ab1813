import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';
import { useReadOnlyFields } from './read-only-fields';

const control =
  'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-inset placeholder:text-slate-500 read-only:bg-slate-50 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none';

/** The edge of an empty field is all that shows where to type: slate-500 is 4.76:1 against white,
 * where a control's boundary needs 3:1. */
function ring(error?: string) {
  return error ? 'ring-red-500' : 'ring-slate-500';
}

type FieldShellProps = {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  children: ReactNode;
};

function FieldShell({ id, label, hint, error, required, children }: FieldShellProps) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
        {required && (
          <span aria-hidden="true" className="text-red-700">
            {' '}
            *
          </span>
        )}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

type FieldProps = {
  label: string;
  hint?: ReactNode;
  error?: string;
};

type FieldControlOptions = FieldProps & { id?: string; required?: boolean; readOnly?: boolean; className?: string };

/**
 * Wraps one control in the shared label, hint and error, and gives the control the id,
 * required flag, read-only state (its own, or its form's while saving), ARIA state and classes
 * that tie it to them.
 */
function useFieldControl({ label, hint, error, id, required, readOnly, className = '' }: FieldControlOptions) {
  const generated = useId();
  const fieldId = id ?? generated;
  const formReadOnly = useReadOnlyFields();
  return {
    wrap: (element: ReactNode) => (
      <FieldShell id={fieldId} label={label} hint={hint} error={error} required={required}>
        {element}
      </FieldShell>
    ),
    controlProps: {
      id: fieldId,
      required,
      readOnly: readOnly || formReadOnly,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined,
      className: `${control} ${ring(error)} ${className}`,
    },
  };
}

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & FieldProps;

export function TextField({ label, hint, error, id, required, readOnly, className, ...props }: TextFieldProps) {
  const { wrap, controlProps } = useFieldControl({ label, hint, error, id, required, readOnly, className });
  return wrap(<input {...controlProps} {...props} />);
}

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & FieldProps;

export function TextAreaField({ label, hint, error, id, required, readOnly, className, ...props }: TextAreaFieldProps) {
  const { wrap, controlProps } = useFieldControl({ label, hint, error, id, required, readOnly, className });
  return wrap(<textarea {...controlProps} {...props} />);
}

/** Read-only (its own or its form's while saving), it keeps its state when pressed: browsers
 * ignore `readonly` on a checkbox, but a controlled one whose change is not passed on is put back.
 * Nor does `read-only:` style it: `aria-readonly` fades the box. */
export function Checkbox({
  label,
  className = '',
  readOnly,
  onChange,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode }) {
  const locked = useReadOnlyFields() || readOnly;
  return (
    <label
      className={`inline-flex items-center gap-2 text-sm text-slate-800 has-aria-readonly:cursor-not-allowed ${className}`}
    >
      <input
        type="checkbox"
        className="size-4 rounded border-slate-400 accent-indigo-600 aria-readonly:cursor-not-allowed aria-readonly:opacity-60"
        readOnly={locked}
        aria-readonly={locked || undefined}
        onChange={locked ? undefined : onChange}
        {...props}
      />
      {label}
    </label>
  );
}

export function FormAlert({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
      {children}
    </div>
  );
}
