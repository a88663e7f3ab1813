import { useState } from 'react';
import { Button } from '@/components/button';
import { ProductFormModal } from './product-form-modal';

export function NewProductButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>New product</Button>
      <ProductFormModal open={open} onClose={() => setOpen(false)} />
    </>
  );
}
