import type { ReactNode } from 'react';

export type BadgeTone = 'slate' | 'indigo' | 'emerald' | 'red' | 'amber';

const TONES: Record<BadgeTone, string> = {
  slate: 'bg-slate-100 text-slate-800 ring-slate-300',
  indigo: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  emerald: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  red: 'bg-red-50 text-red-800 ring-red-200',
  amber: 'bg-amber-50 text-amber-900 ring-amber-200',
};

/** A short state in a pill ("Completed", "Disabled"): its text says it, the colour only helps. */
export function Badge({
  tone,
  children,
  id,
  testId,
}: {
  tone: BadgeTone;
  children: ReactNode;
  id?: string;
  testId?: string;
}) {
  return (
    <span
      id={id}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[tone]}`}
      data-testid={testId}
    >
      {children}
    </span>
  );
}
