import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { focusKeepingProps } from '@/components/focus-keeping';
import { SearchInput } from '@/components/search-input';
import { FILTER_MAX_LENGTHS, PRODUCT_SORTS, type ProductSort } from '../api/get-products';
import { useProductsSearch } from '../hooks/use-products-search';

const SORT_LABELS: Record<ProductSort, string> = {
  id: 'Oldest first',
  '-id': 'Newest first',
  sku: 'SKU, A to Z',
  '-sku': 'SKU, Z to A',
  name: 'Name, A to Z',
  '-name': 'Name, Z to A',
  updated_at: 'Least recently updated',
  '-updated_at': 'Most recently updated',
};

export function ProductsFilters() {
  const { filters, hasFilters, setFilter, clearFilters, query, update } = useProductsSearch();
  const statusId = useId();
  const sortId = useId();
  const gridId = useId();
  const [open, setOpen] = useState(false);
  // Clearing starts the text boxes afresh: a search typed but not yet sent is dropped with the rest.
  const [clears, setClears] = useState(0);
  // A sort other than the default counts too: folded away on a phone, it would go unseen.
  const activeCount = [filters.sku, filters.name, filters.description, filters.is_active, query.sort].filter(
    (value) => value !== undefined,
  ).length;
  const status = filters.is_active === undefined ? '' : String(filters.is_active);

  return (
    <section aria-label="Search and filters" className="space-y-3 rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200">
      <SearchInput
        key={`q-${clears}`}
        label="Search by SKU or name"
        maxLength={FILTER_MAX_LENGTHS.q}
        placeholder="Search by SKU or name…"
        value={filters.q ?? ''}
        onChange={(value, { refining }) => setFilter('q', value || undefined, { replace: refining })}
      />
      {/* On a phone the filters fold away behind a button; wider screens always show them. */}
      <button
        type="button"
        aria-expanded={open}
        aria-controls={gridId}
        onClick={() => setOpen((value) => !value)}
        className="flex w-full items-center justify-between rounded-md px-1 py-1 text-sm font-medium text-slate-800 sm:hidden"
      >
        <span>
          Filters and sort{activeCount > 0 ? ` (${activeCount} active)` : ''}
        </span>
        <span aria-hidden="true">{open ? '▴' : '▾'}</span>
      </button>
      {/* In one row, Status and Clear filters take the width their text needs; the text fields share the rest. */}
      <div
        id={gridId}
        className={`${open ? 'grid' : 'hidden'} grid-cols-1 gap-3 sm:grid sm:grid-cols-2 lg:grid-cols-[repeat(3,minmax(0,1fr))_auto_auto]`}
      >
        <SearchInput
          key={`sku-${clears}`}
          type="text"
          label="SKU contains"
          maxLength={FILTER_MAX_LENGTHS.sku}
          value={filters.sku ?? ''}
          onChange={(value, { refining }) => setFilter('sku', value || undefined, { replace: refining })}
        />
        <SearchInput
          key={`name-${clears}`}
          type="text"
          label="Name contains"
          maxLength={FILTER_MAX_LENGTHS.name}
          value={filters.name ?? ''}
          onChange={(value, { refining }) => setFilter('name', value || undefined, { replace: refining })}
        />
        <SearchInput
          key={`description-${clears}`}
          type="text"
          label="Description contains"
          maxLength={FILTER_MAX_LENGTHS.description}
          value={filters.description ?? ''}
          onChange={(value, { refining }) => setFilter('description', value || undefined, { replace: refining })}
        />
        <div>
          <label htmlFor={statusId} className="mb-1 block text-xs font-medium text-slate-700">
            Status
          </label>
          <select
            id={statusId}
            value={status}
            onChange={(event) =>
              setFilter('is_active', event.target.value === '' ? undefined : event.target.value === 'true')
            }
            className="block w-full rounded-md border-0 py-2 pr-8 pl-3 text-sm shadow-xs ring-1 ring-slate-500 ring-inset focus:ring-2 focus:ring-indigo-600"
          >
            <option value="">Active and inactive</option>
            <option value="true">Active only</option>
            <option value="false">Inactive only</option>
          </select>
        </div>
        {/* Column headers sort on wider screens; a phone gets a select instead. */}
        <div className="sm:hidden">
          <label htmlFor={sortId} className="mb-1 block text-xs font-medium text-slate-700">
            Sort by
          </label>
          <select
            id={sortId}
            value={query.sort ?? ''}
            onChange={(event) => update({ sort: (event.target.value || undefined) as ProductSort | undefined })}
            className="block w-full rounded-md border-0 py-2 pr-8 pl-3 text-sm shadow-xs ring-1 ring-slate-500 ring-inset focus:ring-2 focus:ring-indigo-600"
          >
            <option value="">Default order</option>
            {PRODUCT_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
        </div>
        <div className="flex items-end">
          {/* Pressing it leaves nothing to clear: it says so but stays focusable, where `disabled`
              would drop the keyboard focus to the page. */}
          <Button
            variant="secondary"
            className="w-full"
            {...focusKeepingProps(!hasFilters, () => {
              clearFilters();
              setClears((count) => count + 1);
            })}
          >
            Clear filters
          </Button>
        </div>
      </div>
    </section>
  );
}
