import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DataTable } from './data-table';

type Row = { id: number; name: string };
const column = createColumnHelper<Row>();
const columns = [column.accessor('name', { header: 'Name' })] as ColumnDef<Row, unknown>[];

function renderPage(totalIsEstimate: boolean, { total = 40_000, totalIsLowerBound = false } = {}) {
  render(
    <DataTable
      caption="Things"
      columns={columns}
      data={[{ id: 1, name: 'One' }]}
      getRowId={(row) => String(row.id)}
      page={1}
      pageSize={50}
      total={total}
      totalIsEstimate={totalIsEstimate}
      totalIsLowerBound={totalIsLowerBound}
      hasNextPage
      onPageChange={() => undefined}
    />,
  );
  return screen.getByRole('button', { name: 'Last page' });
}

describe('DataTable with an estimated total', () => {
  it('says why Last page cannot be used, and what to use instead', () => {
    const last = renderPage(true);
    expect(last).toHaveAttribute('aria-disabled', 'true');
    const why = 'Last page: not available, as the total is an estimate. Use Next page to go on.';
    expect(last).toHaveAttribute('title', why);
    expect(last).toHaveAccessibleDescription(why);
  });

  it('gives Last page its plain tooltip when the total is exact', () => {
    expect(renderPage(false)).toHaveAttribute('title', 'Last page');
  });
});

describe('DataTable with an estimated total to show', () => {
  it.each([
    [18_003, 'about 18,000', 'Page 1 of about 360'],
    [149_876, 'about 150,000', 'Page 1 of about 3,000'],
    [87, 'about 87', 'Page 1 of about 2'],
  ])('rounds %i to 2 significant figures, and counts the pages from that', (total, rows, pages) => {
    renderPage(true, { total });
    const pager = screen.getByRole('navigation', { name: 'Things pagination' });
    expect(pager).toHaveTextContent(`1–1 of ${rows}`);
    expect(pager).toHaveTextContent(pages);
  });

  it('says an exact total as it is', () => {
    renderPage(false, { total: 18_003 });
    const pager = screen.getByRole('navigation', { name: 'Things pagination' });
    expect(pager).toHaveTextContent('1–50 of 18,003');
    expect(pager).toHaveTextContent('Page 1 of 361');
  });
});

describe('DataTable with a total that is a lower bound', () => {
  it('says "more than" instead of "about" for the rows and the pages', () => {
    renderPage(true, { total: 10_001, totalIsLowerBound: true });
    const pager = screen.getByRole('navigation', { name: 'Things pagination' });
    expect(pager).toHaveTextContent('1–1 of more than 10,000');
    expect(pager).toHaveTextContent('Page 1 of more than 200');
    expect(pager).not.toHaveTextContent('about');
  });
});
