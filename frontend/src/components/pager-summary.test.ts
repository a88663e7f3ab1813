import { describe, expect, it } from 'vitest';
import { pagerSummary, type PagerInput } from './pager-summary';

const summary = (input: Partial<PagerInput>) => pagerSummary({ page: 1, pageSize: 50, total: 0, shown: 0, ...input });

describe('pagerSummary with an exact total', () => {
  it('says which rows are shown, of how many, on which page of how many', () => {
    const pager = summary({ page: 2, total: 120, shown: 50 });
    expect(pager.status).toBe('51–100 of 120');
    expect(pager.pageLabel).toBe('Page 2 of 3');
    expect(pager.pageCount).toBe(3);
    expect(pager.showsSpinner).toBe(false);
    expect(pager.first).toEqual({ page: 1, disabled: false });
    expect(pager.previous).toEqual({ page: 1, disabled: false });
    expect(pager.next).toEqual({ page: 3, disabled: false, why: undefined });
    expect(pager.last).toEqual({ page: 3, disabled: false, why: undefined });
  });

  it('offers no way back from the first page', () => {
    const pager = summary({ page: 1, total: 120, shown: 50 });
    expect(pager.status).toBe('1–50 of 120');
    expect(pager.first.disabled).toBe(true);
    expect(pager.previous.disabled).toBe(true);
    expect(pager.next.disabled).toBe(false);
  });

  it('offers no way on from the last page, which may be short', () => {
    const pager = summary({ page: 3, total: 120, shown: 20 });
    expect(pager.status).toBe('101–120 of 120');
    expect(pager.pageLabel).toBe('Page 3 of 3');
    expect(pager.previous).toEqual({ page: 2, disabled: false });
    expect(pager.next).toEqual({ page: 4, disabled: true, why: undefined });
    expect(pager.last).toEqual({ page: 3, disabled: true, why: undefined });
  });

  it('says "No results" for an empty answer, on page 1 of 1', () => {
    const pager = summary({ total: 0, shown: 0 });
    expect(pager.status).toBe('No results');
    expect(pager.pageLabel).toBe('Page 1 of 1');
    expect(pager.next.disabled).toBe(true);
    expect(pager.last).toEqual({ page: 1, disabled: true, why: undefined });
  });
});

describe('pagerSummary with an estimated total', () => {
  it('says "about" a total rounded to 2 significant figures, and counts the pages from that', () => {
    const pager = summary({ total: 18_003, totalIsEstimate: true, hasNextPage: true, shown: 50 });
    expect(pager.status).toBe('1–50 of about 18,000');
    expect(pager.pageLabel).toBe('Page 1 of about 360');
    expect(pager.next).toEqual({ page: 2, disabled: false, why: undefined });
  });

  it('says a total below 100 as it is', () => {
    const pager = summary({ total: 87, totalIsEstimate: true, hasNextPage: true, shown: 50 });
    expect(pager.status).toBe('1–50 of about 87');
    expect(pager.pageLabel).toBe('Page 1 of about 2');
  });

  it('does not offer Last page, and says why', () => {
    const pager = summary({ total: 18_003, totalIsEstimate: true, hasNextPage: true, shown: 50 });
    expect(pager.last).toEqual({
      page: 361,
      disabled: true,
      why: 'Last page: not available, as the total is an estimate. Use Next page to go on.',
    });
  });

  it('counts the rows on screen, not the estimate, and takes "is there a next page?" from the server', () => {
    const pager = summary({ page: 400, total: 18_003, totalIsEstimate: true, hasNextPage: false, shown: 20 });
    expect(pager.status).toBe('19,951–19,970 of about 18,000');
    // The estimate is short of the pages that exist: the page on screen is one of them.
    expect(pager.pageLabel).toBe('Page 400 of about 400');
    expect(pager.next.disabled).toBe(true);
  });
});

describe('pagerSummary with a total that is a lower bound', () => {
  it('says "more than" one less than the count that stopped at the cap', () => {
    const pager = summary({
      total: 10_001,
      totalIsEstimate: true,
      totalIsLowerBound: true,
      hasNextPage: true,
      shown: 50,
    });
    expect(pager.status).toBe('1–50 of more than 10,000');
    expect(pager.pageLabel).toBe('Page 1 of more than 200');
    expect(pager.last.disabled).toBe(true);
  });

  it('counts the pages before a page beyond the cap', () => {
    const pager = summary({
      page: 250,
      total: 10_001,
      totalIsEstimate: true,
      totalIsLowerBound: true,
      hasNextPage: true,
      shown: 50,
    });
    expect(pager.status).toBe('12,451–12,500 of more than 10,000');
    expect(pager.pageLabel).toBe('Page 250 of more than 249');
  });

  it('is only an estimate\'s: an exact total says no "more than"', () => {
    const pager = summary({ total: 10_001, totalIsLowerBound: true, shown: 50 });
    expect(pager.status).toBe('1–50 of 10,001');
    expect(pager.pageLabel).toBe('Page 1 of 201');
  });
});

describe('pagerSummary while the first page loads', () => {
  it('says "Loading…", counts no pages, and says why Next and Last wait', () => {
    const pager = summary({ page: 7, total: 0, shown: 0, isLoading: true });
    expect(pager.status).toBe('Loading…');
    expect(pager.pageLabel).toBe('Page 7');
    expect(pager.next).toEqual({
      page: 8,
      disabled: true,
      why: 'Next page: available once this page has loaded.',
    });
    expect(pager.last).toEqual({
      page: 1,
      disabled: true,
      why: 'Last page: available once this page has loaded.',
    });
    // A deep link's way back does not wait for its answer.
    expect(pager.first).toEqual({ page: 1, disabled: false });
    expect(pager.previous).toEqual({ page: 6, disabled: false });
    expect(pager.showsSpinner).toBe(false);
  });

  it('keeps the rows of the previous page on screen with a spinner while the next one loads', () => {
    const pager = summary({ page: 3, total: 120, shown: 50, showsPreviousPage: true });
    expect(pager.status).toBe('101–120 of 120');
    expect(pager.showsSpinner).toBe(true);
    const firstAnswerPending = summary({ page: 3, total: 120, shown: 50, showsPreviousPage: true, isLoading: true });
    expect(firstAnswerPending.showsSpinner).toBe(false);
  });
});

describe('pagerSummary after a failed load', () => {
  it('says the failure in place of the rows, and counts no pages, after a first load that failed', () => {
    const pager = summary({ page: 4, total: 0, shown: 0, failed: true });
    expect(pager.status).toBe('Could not load');
    expect(pager.pageLabel).toBe('Page 4');
    // Retry loads it: until then, no page after it is known.
    expect(pager.next).toEqual({ page: 5, disabled: true, why: 'Next page: available once this page has loaded.' });
    expect(summary({ shown: 0, failed: true, errorSummary: 'Could not load products' }).status).toBe(
      'Could not load products',
    );
  });

  it('says "Loading…" while a failed first load is tried again', () => {
    const pager = summary({ total: 0, shown: 0, failed: true, isLoading: true });
    expect(pager.status).toBe('Loading…');
    expect(pager.pageLabel).toBe('Page 1');
  });

  it('keeps counting the rows on screen when a background refresh failed', () => {
    const pager = summary({ total: 120, shown: 50, failed: true });
    expect(pager.status).toBe('1–50 of 120');
    expect(pager.pageLabel).toBe('Page 1 of 3');
  });
});

describe('pagerSummary while an empty earlier page stands in', () => {
  it('is loading, with no count, not the count the earlier answer gave', () => {
    // Page 99,999 of a search came back empty; page 702, where it leads, is loading.
    const pager = summary({ page: 702, total: 35_075, shown: 0, showsPreviousPage: true });
    expect(pager.waiting).toBe(true);
    expect(pager.status).toBe('Loading…');
    expect(pager.showsSpinner).toBe(false); // the table shows one in place of the rows
    expect(pager.pageLabel).toBe('Page 702');
    expect(pager.next.disabled).toBe(true);
    expect(pager.last.why).toBe('Last page: available once this page has loaded.');
  });
});

describe('pagerSummary on a deep page beyond the known total', () => {
  it('does not count rows that an empty page past the end does not have', () => {
    const pager = summary({ page: 99_999, total: 66_787, shown: 0 });
    expect(pager.status).toBe('None on this page (66,787 in all)');
    expect(pager.pageLabel).toBe('Page 99,999 of 1,336');
    expect(pager.next).toEqual({ page: 100_000, disabled: true, why: undefined });
    expect(pager.last).toEqual({ page: 1_336, disabled: true, why: undefined });
    expect(pager.first.disabled).toBe(false);
  });

  it('says "about" the estimate, and counts its pages, on an empty page past an estimated end', () => {
    const pager = summary({ page: 500, total: 18_003, totalIsEstimate: true, hasNextPage: false, shown: 0 });
    expect(pager.status).toBe('None on this page (about 18,000 in all)');
    expect(pager.pageLabel).toBe('Page 500 of about 360');
    expect(pager.next.disabled).toBe(true);
  });
});
