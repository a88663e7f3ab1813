export type ProgressTone = 'indigo' | 'emerald' | 'amber' | 'slate';

export function ProgressBar({
  value,
  label,
  indeterminate = false,
  tone = 'indigo',
  valueText,
}: {
  value: number;
  label: string;
  indeterminate?: boolean;
  tone?: ProgressTone;
  /** Said instead of the percentage, when the percentage is not what the bar tells. */
  valueText?: string;
}) {
  const clamped = Math.max(0, Math.min(100, value));
  const colors: Record<ProgressTone, string> = {
    indigo: 'bg-indigo-600',
    emerald: 'bg-emerald-600',
    amber: 'bg-amber-500',
    slate: 'bg-slate-500',
  };
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={indeterminate ? undefined : Math.round(clamped)}
      aria-valuetext={valueText}
      className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div
        className={`h-full rounded-full transition-[width] duration-300 ${colors[tone]} ${indeterminate ? 'w-1/3 animate-pulse' : ''}`}
        style={indeterminate ? undefined : { width: `${clamped}%` }}
      />
    </div>
  );
}
