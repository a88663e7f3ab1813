import { useState } from 'react';
import { Button } from '@/components/button';
import { ProductFormModal } from './product-form-modal';

/** `busyNotice`: why saving may wait and be refused right now, said in the form. */
export function NewProductButton({ busyNotice = null }: { busyNotice?: string | null }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>New product</Button>
      <ProductFormModal open={open} busyNotice={busyNotice} onClose={() => setOpen(false)} />
    </>
  );
}
