import { formatNumber } from '@/lib/format';

export type PagerInput = {
  page: number;
  pageSize: number;
  total: number;
  /** The total is the server's estimate: say "about", and do not offer a jump to the last page. */
  totalIsEstimate?: boolean;
  /** With `totalIsEstimate`: the total is a lower bound (counting stopped at a cap), so there are
   * at least that many: say "more than" one less. */
  totalIsLowerBound?: boolean;
  /** Overrides "is there a next page?" when the total is only an estimate. */
  hasNextPage?: boolean;
  /** How many rows are on screen. */
  shown: number;
  isLoading?: boolean;
  /** The rows on screen are the previous page's while the asked-for page loads. */
  showsPreviousPage?: boolean;
  /** The rows could not be loaded. */
  failed?: boolean;
  /** What the live region says while the failure stands in for the rows. */
  errorSummary?: string;
};

/** A pager button: the page it goes to, whether it can act, and why not when that is not plain. */
export type PagerStep = { page: number; disabled: boolean; why?: string };

export type PagerSummary = {
  /** The pages the exact total makes (at least 1): Last page's target, and the table's count. */
  pageCount: number;
  /** The live region's text: "51–100 of 120", "Loading…", "No results", … */
  status: string;
  /** A spinner beside the status: the previous page's rows stand in while the next one loads
   * (none while `waiting`: the table itself shows one). */
  showsSpinner: boolean;
  /** No rows of an answer to show yet: the table shows that it is loading, not that it is empty. */
  waiting: boolean;
  /** "Page 2 of 3", "Page 1 of about 360", or only "Page 1" while the count is unknown. */
  pageLabel: string;
  first: PagerStep;
  previous: PagerStep;
  next: PagerStep;
  last: PagerStep;
};

/** An estimated count to 2 significant figures (18,003 is "about 18,000"): its other digits mean
 * nothing. Below 100 it is said as it is. */
function roughly(count: number): number {
  if (count < 100) return count;
  const step = 10 ** (Math.floor(Math.log10(count)) - 1);
  return Math.round(count / step) * step;
}

/** Everything a data table's pager shows, from the page asked for and the server's answer. */
export function pagerSummary({
  page,
  pageSize,
  total,
  totalIsEstimate = false,
  totalIsLowerBound = false,
  hasNextPage,
  shown,
  isLoading = false,
  showsPreviousPage = false,
  failed = false,
  errorSummary = 'Could not load',
}: PagerInput): PagerSummary {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const first = shown === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = totalIsEstimate ? first + shown - 1 : Math.min(total, page * pageSize);
  const canNext = hasNextPage ?? page < pageCount;
  const lowerBound = totalIsEstimate && totalIsLowerBound;
  const about = lowerBound ? 'more than ' : totalIsEstimate ? 'about ' : '';
  // "More than 10,000" for a count that stopped at 10,001.
  const totalShown = lowerBound ? total - 1 : totalIsEstimate ? roughly(total) : total;
  const pagesInTotal = Math.max(1, Math.ceil(totalShown / pageSize));
  // An estimated total can be short of the pages that exist; an empty page cannot.
  const pagesShown = lowerBound
    ? Math.max(Math.floor((total - 1) / pageSize), page - 1)
    : shown === 0
      ? pagesInTotal
      : Math.max(pagesInTotal, page);
  // No answer yet (a deep link's first page, or an empty earlier page standing in while this
  // one loads): how many rows and pages there are is not known; nor after a first answer that
  // failed.
  const waiting = shown === 0 && (isLoading || showsPreviousPage);
  const countUnknown = waiting || (shown === 0 && failed);
  const notYet = (label: string) => (countUnknown ? `${label}: available once this page has loaded.` : undefined);

  const status =
    shown === 0 && failed && !isLoading
      ? errorSummary
      : waiting
        ? 'Loading…'
        : shown === 0
          ? total === 0
            ? 'No results'
            : `None on this page (${about}${formatNumber(totalShown)} in all)`
          : `${formatNumber(first)}–${formatNumber(last)} of ${about}${formatNumber(totalShown)}`;

  return {
    pageCount,
    status,
    showsSpinner: showsPreviousPage && !isLoading && !waiting,
    waiting,
    pageLabel: `Page ${formatNumber(page)}${countUnknown ? '' : ` of ${about}${formatNumber(pagesShown)}`}`,
    first: { page: 1, disabled: page <= 1 },
    previous: { page: page - 1, disabled: page <= 1 },
    next: { page: page + 1, disabled: countUnknown || !canNext, why: notYet('Next page') },
    last: {
      page: pageCount,
      disabled: countUnknown || totalIsEstimate || page >= pageCount,
      why:
        notYet('Last page') ??
        (totalIsEstimate
          ? 'Last page: not available, as the total is an estimate. Use Next page to go on.'
          : undefined),
    },
  };
}
