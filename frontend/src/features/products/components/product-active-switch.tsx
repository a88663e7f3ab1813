import { Switch } from '@/components/switch';
import { useToast } from '@/components/toast';
import type { Product } from '@/types/api';
import { useUpdateProduct } from '../api/update-product';
import { isNotFound } from '@/lib/api-error';

/** A product row's "Active" switch; it saves its own change, so rows do not re-render each other. */
export function ProductActiveSwitch({ product }: { product: Product }) {
  const toast = useToast();
  const updateProduct = useUpdateProduct();
  return (
    <Switch
      checked={product.is_active}
      label={`Active: ${product.sku}`}
      pending={updateProduct.isPending}
      itemAction="active"
      onChange={(checked) =>
        updateProduct.mutate(
          { id: product.id, data: { is_active: checked } },
          {
            onSuccess: (saved) => toast.success(`${saved.sku} is now ${saved.is_active ? 'active' : 'inactive'}.`),
            onError: (error) =>
              toast.error(
                // Deleted elsewhere: the list is fetched again, and the row goes.
                isNotFound(error)
                  ? `${product.sku} no longer exists: it was deleted elsewhere.`
                  : `Could not update ${product.sku}: ${error.message}`,
              ),
          },
        )
      }
    />
  );
}
