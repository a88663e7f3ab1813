import { useState, type FormEvent } from 'react';
import { Button } from '@/components/button';
import { Checkbox, FormAlert, TextAreaField, TextField } from '@/components/field';
import { Modal } from '@/components/modal';
import { useToast } from '@/components/toast';
import type { Product } from '@/types/api';
import { useCreateProduct } from '../api/create-product';
import { useUpdateProduct } from '../api/update-product';
import {
  apiErrorToFormErrors,
  emptyProductValues,
  LIMITS,
  productToValues,
  validateProduct,
  valuesToPayload,
  type ProductFormErrors,
  type ProductFormValues,
} from './product-form';

type ProductFormModalProps = {
  open: boolean;
  onClose: () => void;
  /** The product to edit; absent to create one. */
  product?: Product | null;
};

export function ProductFormModal({ open, onClose, product }: ProductFormModalProps) {
  if (!open) return null;
  return <ProductFormDialog key={product?.id ?? 'new'} onClose={onClose} product={product ?? null} />;
}

function ProductFormDialog({ onClose, product }: { onClose: () => void; product: Product | null }) {
  const [values, setValues] = useState<ProductFormValues>(() =>
    product ? productToValues(product) : emptyProductValues(),
  );
  const [errors, setErrors] = useState<ProductFormErrors>({});
  const toast = useToast();
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const isSaving = create.isPending || update.isPending;

  function set<K extends keyof ProductFormValues>(key: K, value: ProductFormValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined, form: undefined }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateProduct(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const payload = valuesToPayload(values);
      if (product) {
        const saved = await update.mutateAsync({ id: product.id, data: payload });
        toast.success(`Saved ${saved.sku}.`);
      } else {
        const saved = await create.mutateAsync(payload);
        toast.success(`Created ${saved.sku}.`);
      }
      onClose();
    } catch (error) {
      setErrors(apiErrorToFormErrors(error));
    }
  }

  const formId = product ? `product-form-${product.id}` : 'product-form-new';

  return (
    <Modal
      open
      onClose={onClose}
      preventClose={isSaving}
      title={product ? 'Edit product' : 'New product'}
      description={product ? <>SKU {product.sku}</> : 'Fields marked * are required.'}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={isSaving}>
            Cancel
          </Button>
          <Button type="submit" form={formId} isLoading={isSaving}>
            {product ? 'Save changes' : 'Create product'}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate className="space-y-4">
        {errors.form && <FormAlert>{errors.form}</FormAlert>}
        <TextField
          label="SKU"
          name="sku"
          required
          autoComplete="off"
          spellCheck={false}
          value={values.sku}
          error={errors.sku}
          hint="Unique, case-insensitive, up to 64 characters."
          onChange={(event) => set('sku', event.target.value)}
        />
        <TextField
          label="Name"
          name="name"
          required
          value={values.name}
          error={errors.name}
          onChange={(event) => set('name', event.target.value)}
        />
        <TextAreaField
          label="Description"
          name="description"
          rows={4}
          value={values.description}
          error={errors.description}
          hint={`Optional, up to ${LIMITS.description.toLocaleString('en-US')} characters.`}
          onChange={(event) => set('description', event.target.value)}
        />
        <Checkbox
          label="Active"
          name="is_active"
          checked={values.is_active}
          onChange={(event) => set('is_active', event.target.checked)}
        />
      </form>
    </Modal>
  );
}
