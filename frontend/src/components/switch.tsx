import { focusKeepingProps } from './focus-keeping';

type SwitchProps = {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  disabled?: boolean;
  /** The change is being saved: presses are ignored, but the switch keeps the keyboard focus. */
  pending?: boolean;
  showLabel?: boolean;
  /** Read by screen readers only, after the label: which item the switch belongs to, so a page
   * of switches labelled alike ("Enabled") still tells them apart. */
  hiddenContext?: string;
  /** Its `data-item-action` in a list (see `focusTargetAfterRemoval`). */
  itemAction?: string;
};

/** An accessible on/off switch (a button with role="switch"). */
export function Switch({
  checked,
  onChange,
  label,
  disabled,
  pending = false,
  showLabel = false,
  hiddenContext,
  itemAction,
}: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={showLabel ? undefined : hiddenContext ? `${label} ${hiddenContext}` : label}
      disabled={disabled}
      data-item-action={itemAction}
      {...focusKeepingProps(pending, () => onChange(!checked))}
      className="group inline-flex items-center gap-2 rounded-full disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-wait aria-disabled:opacity-60"
    >
      <span
        aria-hidden="true"
        className={`relative inline-flex h-6 w-11 shrink-0 rounded-full transition-colors ${checked ? 'bg-indigo-600' : 'bg-slate-400'}`}
      >
        <span
          className={`absolute top-0.5 left-0.5 size-5 rounded-full bg-white shadow transition-transform ${checked ? 'translate-x-5' : ''}`}
        />
      </span>
      {showLabel && (
        <span className="text-sm text-slate-800">
          {label}
          {hiddenContext && (
            <>
              {' '}
              <span className="sr-only">{hiddenContext}</span>
            </>
          )}
        </span>
      )}
    </button>
  );
}
