import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DataTable } from './data-table';

type Row = { id: number; name: string };
const column = createColumnHelper<Row>();
const columns = [column.accessor('name', { header: 'Name' })] as ColumnDef<Row, unknown>[];
/** What every table here has; each test sets what it is about. */
const things = {
  caption: 'Things',
  columns,
  data: [{ id: 1, name: 'One' }],
  getRowId: (row: Row) => String(row.id),
  page: 1,
  pageSize: 50,
  total: 1,
  onPageChange: () => undefined,
};

describe('DataTable', () => {
  it('reports sort changes and pages from the server total', async () => {
    const onSortChange = vi.fn();
    const onPageChange = vi.fn();
    const user = userEvent.setup();
    render(
      <DataTable
        {...things}
        sort={{ id: 'name', desc: false }}
        onSortChange={onSortChange}
        page={2}
        total={120}
        onPageChange={onPageChange}
      />,
    );
    expect(screen.getByRole('columnheader', { name: /name/i })).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByRole('button', { name: /name/i }));
    expect(onSortChange).toHaveBeenCalledWith({ id: 'name', desc: true });
    const pager = screen.getByRole('navigation', { name: /things pagination/i });
    expect(within(pager).getByText('51–100 of 120')).toBeInTheDocument();
    expect(within(pager).getByText('Page 2 of 3')).toBeInTheDocument();
    await user.click(within(pager).getByRole('button', { name: 'Next page' }));
    expect(onPageChange).toHaveBeenCalledWith(3);
  });

  it('sorts by no column without onSortChange: its headers are plain text', () => {
    render(<DataTable {...things} />);
    const header = screen.getByRole('columnheader', { name: 'Name' });
    expect(within(header).queryByRole('button')).toBeNull();
    expect(header).not.toHaveAttribute('aria-sort');
  });

  it('does not count rows that an empty page past the end does not have', () => {
    render(
      <DataTable {...things} data={[]} page={99_999} total={66_787} empty="Past the end." />,
    );
    const pager = screen.getByRole('navigation', { name: /things pagination/i });
    expect(pager).toHaveTextContent('None on this page (66,787 in all)');
    expect(pager).toHaveTextContent('Page 99,999 of 1,336');
    expect(within(pager).getByRole('button', { name: 'Next page' })).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByText('Past the end.')).toBeInTheDocument();
  });

  it('keeps the keyboard focus on Next when it reaches the last page, and then ignores it', async () => {
    const user = userEvent.setup();
    const onPageChange = vi.fn();
    const table = (page: number) => (
      <DataTable
        {...things}
        data={[{ id: page, name: `Row ${page}` }]}
        page={page}
        total={120}
        onPageChange={onPageChange}
      />
    );
    const { rerender } = render(table(2));
    const next = screen.getByRole('button', { name: 'Next page' });
    next.focus();
    await user.keyboard('{Enter}');
    expect(onPageChange).toHaveBeenCalledWith(3);
    rerender(table(3));
    // Not disabled: a disabled button would drop the keyboard focus to the page.
    expect(next).toBeEnabled();
    expect(next).toHaveAttribute('aria-disabled', 'true');
    expect(next).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onPageChange).toHaveBeenCalledTimes(1);
  });
});
