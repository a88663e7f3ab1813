import { getProductsExportUrl } from '../api/export-products';
import { useProductsSearch } from '../hooks/use-products-search';

export function ExportProductsLink() {
  const { filters, hasFilters, query } = useProductsSearch();
  return (
    <a
      href={getProductsExportUrl({ ...filters, sort: query.sort })}
      download
      className="inline-flex items-center justify-center gap-2 rounded-md bg-white px-3.5 py-2 text-sm font-medium whitespace-nowrap text-slate-800 shadow-xs ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
    >
      {hasFilters ? 'Export filtered CSV' : 'Export CSV'}
    </a>
  );
}
