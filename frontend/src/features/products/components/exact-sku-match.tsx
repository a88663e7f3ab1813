import { useId, useRef } from 'react';
import { pageHeading, useFocusPassedOnRemoval } from '@/components/focus-after-removal';
import type { Product, ProductPage } from '@/types/api';
import type { ProductFilters, ProductsQuery } from '../api/get-products';
import { ProductActiveSwitch } from './product-active-switch';
import { ProductRowActions } from './product-row-actions';

/**
 * The answer's `exact_match` while a search is on (`q`, else the `sku` filter, as the API looks it
 * up). `answered`: the query `page` answers, an earlier one while its answer stays on screen as
 * the next one loads. Its match is shown only if that query has this one's filters (a page turn,
 * a new sort or page size keeps it in place): with other filters, it may not pass them.
 */
export function exactSkuMatchToShow(
  query: ProductsQuery,
  page: ProductPage | undefined,
  answered: ProductsQuery,
): Product | null {
  const term = query.q ?? query.sku;
  const match = page?.exact_match;
  if (!term || !match || !sameFilters(query, answered)) return null;
  return match;
}

const FILTER_KEYS = ['q', 'sku', 'name', 'description', 'is_active'] as const satisfies readonly (keyof ProductFilters)[];

/** Whether two queries filter alike: their page, page size and sort cannot change the match. */
function sameFilters(a: ProductsQuery, b: ProductsQuery): boolean {
  return FILTER_KEYS.every((key) => a[key] === b[key]);
}

type ExactSkuMatchProps = {
  product: Product;
  onEdit: (product: Product) => void;
  onDelete: (product: Product) => void;
};

/** The product whose SKU is the search term, above the table: sorted among the matches it may
 * be on any page. It stays in the table too. */
export function ExactSkuMatch({ product, onEdit, onDelete }: ExactSkuMatchProps) {
  const titleId = useId();
  const ref = useRef<HTMLElement>(null);
  // Gone after an edit, a switch or a delete that takes it out of the search: the keyboard focus
  // on its buttons, or a dialog opened from them, goes to the page's heading, not to the body.
  useFocusPassedOnRemoval(ref, pageHeading);
  return (
    <section
      ref={ref}
      aria-labelledby={titleId}
      className="mb-4 flex flex-col gap-2 rounded-lg bg-white px-3 py-2.5 shadow-sm ring-1 ring-indigo-200 sm:flex-row sm:items-center sm:gap-4"
    >
      <div className="min-w-0 flex-1">
        <h2 id={titleId} className="text-xs font-semibold text-indigo-700">
          Exact SKU match
        </h2>
        <p className="font-mono text-xs break-all text-slate-800">{product.sku}</p>
        <p className="line-clamp-2 text-sm wrap-anywhere text-slate-800" title={product.name}>
          {product.name}
        </p>
      </div>
      <div className="flex items-center justify-between gap-3 sm:justify-end">
        <div className="flex items-center gap-2">
          <ProductActiveSwitch product={product} />
          {/* The table names the switch in its column header; here it is named beside it (the
              switch says its state to screen readers itself). */}
          <span aria-hidden="true" className="text-sm text-slate-600">
            {product.is_active ? 'Active' : 'Inactive'}
          </span>
        </div>
        <ProductRowActions product={product} onEdit={onEdit} onDelete={onDelete} />
      </div>
    </section>
  );
}
