import { useId } from 'react';
import { Button } from '@/components/button';
import { SearchInput } from '@/components/search-input';
import { useProductsSearch } from '../hooks/use-products-search';

export function ProductsFilters() {
  const { filters, hasFilters, setFilter, clearFilters } = useProductsSearch();
  const statusId = useId();
  const status = filters.is_active === undefined ? '' : String(filters.is_active);

  return (
    <section aria-label="Search and filters" className="space-y-3 rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200">
      <SearchInput
        label="Search by SKU or name"
        placeholder="Search by SKU or name…"
        value={filters.q ?? ''}
        onChange={(value) => setFilter('q', value || undefined)}
      />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <SearchInput
          type="text"
          label="SKU contains"
          value={filters.sku ?? ''}
          onChange={(value) => setFilter('sku', value || undefined)}
        />
        <SearchInput
          type="text"
          label="Name contains"
          value={filters.name ?? ''}
          onChange={(value) => setFilter('name', value || undefined)}
        />
        <SearchInput
          type="text"
          label="Description contains"
          value={filters.description ?? ''}
          onChange={(value) => setFilter('description', value || undefined)}
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
            className="block w-full rounded-md border-0 py-2 pr-8 pl-3 text-sm shadow-xs ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
          >
            <option value="">Active and inactive</option>
            <option value="true">Active only</option>
            <option value="false">Inactive only</option>
          </select>
        </div>
        <div className="flex items-end">
          <Button variant="secondary" onClick={clearFilters} disabled={!hasFilters} className="w-full">
            Clear filters
          </Button>
        </div>
      </div>
    </section>
  );
}
