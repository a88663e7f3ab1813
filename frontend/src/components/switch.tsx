import { focusKeepingProps } from './focus-keeping';

type SwitchProps = {
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** Its name, the same whether on or off; shown beside the track too with `showLabel`. */
  label: string;
  /** The label is shown beside the track too, as the start of the name: what is seen is what is
   * said, for those who speak to reach a control. Like the name, it stays the same on or off
   * ("Enabled"): the track shows the state, and the switch tells it ("Enabled, switch, off"). */
  showLabel?: boolean;
  disabled?: boolean;
  /** The change is being saved: presses are ignored, but the switch keeps the keyboard focus. */
  pending?: boolean;
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
  showLabel = false,
  disabled,
  pending = false,
  hiddenContext,
  itemAction,
}: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={hiddenContext ? `${label} ${hiddenContext}` : label}
      disabled={disabled}
      data-item-action={itemAction}
      {...focusKeepingProps(pending, () => onChange(!checked))}
      className="group inline-flex items-center gap-2 rounded-full disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-wait aria-disabled:opacity-60"
    >
      {/* Off, the track is slate-500: 4.76:1 against white, where 3:1 is asked of a control. */}
      <span
        aria-hidden="true"
        data-testid="switch-track"
        className={`relative inline-flex h-6 w-11 shrink-0 rounded-full transition-colors ${checked ? 'bg-indigo-600' : 'bg-slate-500'}`}
      >
        <span
          className={`absolute top-0.5 left-0.5 size-5 rounded-full bg-white shadow transition-transform ${checked ? 'translate-x-5' : ''}`}
        />
      </span>
      {showLabel && <span className="text-sm text-slate-800">{label}</span>}
    </button>
  );
}
