import type { ReactNode } from 'react';
import { focusKeepingProps } from './focus-keeping';
import type { PagerStep, PagerSummary } from './pager-summary';
import { Spinner } from './spinner';

export type PagerProps = {
  /** Names the navigation landmark: "{caption} pagination". */
  caption: string;
  summary: PagerSummary;
  pageSize: number;
  onPageChange: (page: number) => void;
  onPageSizeChange?: (pageSize: number) => void;
  pageSizeOptions: number[];
};

/** A data table's footer: where the rows on screen are in the whole, and the page controls. */
export function Pager({ caption, summary, pageSize, onPageChange, onPageSizeChange, pageSizeOptions }: PagerProps) {
  return (
    <nav
      aria-label={`${caption} pagination`}
      className="flex flex-col gap-3 border-t border-slate-200 px-3 py-2.5 text-sm text-slate-700 sm:flex-row sm:items-center sm:justify-between"
    >
      <p aria-live="polite">
        {summary.status}
        {summary.showsSpinner && (
          <span className="ml-2 inline-flex align-middle text-slate-500">
            <Spinner className="size-4" label="Loading" />
          </span>
        )}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        {onPageSizeChange && (
          <label className="inline-flex items-center gap-1.5">
            <span>Rows per page</span>
            <select
              value={pageSize}
              onChange={(event) => onPageSizeChange(Number(event.target.value))}
              className="rounded-md border-0 py-1 pr-7 pl-2 ring-1 ring-slate-500 ring-inset focus:ring-2 focus:ring-indigo-600"
            >
              {pageSizeOptions.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </label>
        )}
        {/* One piece when the footer wraps: the page between its buttons, never split. */}
        <div className="flex items-center gap-2">
          <PagerButton label="First page" step={summary.first} onPageChange={onPageChange}>
            «
          </PagerButton>
          <PagerButton label="Previous page" step={summary.previous} onPageChange={onPageChange}>
            ‹
          </PagerButton>
          <span className="px-1 whitespace-nowrap">{summary.pageLabel}</span>
          <PagerButton label="Next page" step={summary.next} onPageChange={onPageChange}>
            ›
          </PagerButton>
          <PagerButton label="Last page" step={summary.last} onPageChange={onPageChange}>
            »
          </PagerButton>
        </div>
      </div>
    </nav>
  );
}

function PagerButton({
  label,
  step,
  onPageChange,
  children,
}: {
  label: string;
  /** Where it goes, whether it can, and why not (for its tooltip and description) when that is
   * not plain. */
  step: PagerStep;
  onPageChange: (page: number) => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={step.why ?? label}
      {...focusKeepingProps(step.disabled, () => onPageChange(step.page))}
      className="inline-flex size-8 items-center justify-center rounded-md bg-white text-base ring-1 ring-slate-300 ring-inset hover:bg-slate-50 aria-disabled:cursor-not-allowed aria-disabled:text-slate-400 aria-disabled:hover:bg-white"
    >
      {children}
    </button>
  );
}
