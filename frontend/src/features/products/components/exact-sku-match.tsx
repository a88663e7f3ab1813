import { useId, useRef } from 'react';
import { useFocusMovedOnRemoval } from '@/components/focus-after-removal';
import type { Product, ProductPage } from '@/types/api';
import type { ProductsQuery } from '../api/get-products';
import { ProductActiveSwitch } from './product-active-switch';
import { ProductRowActions } from './product-row-actions';

/**
 * The answer's `exact_match` while a search is on (`q`, else the `sku` filter, as the API looks it
 * up). An earlier search's answer stays on screen while the next one loads (`fromEarlierQuery`):
 * its match is shown only if its SKU is this search's term too, so a page turn keeps it in place.
 */
export function exactSkuMatchToShow(
  query: ProductsQuery,
  page: ProductPage | undefined,
  fromEarlierQuery: boolean,
): Product | null {
  const term = query.q ?? query.sku;
  const match = page?.exact_match;
  if (!term || !match) return null;
  if (fromEarlierQuery && match.sku.toLowerCase() !== term.toLowerCase()) return null;
  return match;
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
  useFocusMovedOnRemoval(ref, 'section');
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
