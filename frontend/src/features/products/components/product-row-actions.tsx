import { Button } from '@/components/button';
import type { Product } from '@/types/api';

type ProductRowActionsProps = {
  product: Product;
  onEdit: (product: Product) => void;
  onDelete: (product: Product) => void;
};

export function ProductRowActions({ product, onEdit, onDelete }: ProductRowActionsProps) {
  return (
    <div className="flex justify-end gap-0.5 sm:gap-1">
      <Button size="sm" variant="ghost" onClick={() => onEdit(product)} aria-label={`Edit ${product.sku}`} data-item-action="edit">
        Edit
      </Button>
      <Button
        size="sm"
        variant="ghost"
        className="text-red-700 hover:bg-red-50"
        onClick={() => onDelete(product)}
        aria-label={`Delete ${product.sku}`}
        data-item-action="delete"
      >
        Delete
      </Button>
    </div>
  );
}
