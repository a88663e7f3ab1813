import { act, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { productFactory } from '@/testing/factories';
import { renderWithProviders } from '@/testing/test-utils';
import { ProductFormModal } from '../components/product-form-modal';

const BUSY = 'An import is running: edits may wait for it and be refused until it has finished.';

describe('ProductFormModal with a busy notice', () => {
  it('says it politely above Save, and keeps the form usable', () => {
    renderWithProviders(
      <ProductFormModal open product={productFactory({ sku: 'KETTLE-1' })} busyNotice={BUSY} onClose={() => undefined} />,
    );
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    const status = within(dialog).getByText(BUSY).closest('[role="status"]');
    expect(status).not.toBeNull();
    const save = within(dialog).getByRole('button', { name: 'Save changes' });
    expect(save).toBeEnabled();
    // The last thing read before the buttons.
    expect(status!.compareDocumentPosition(save) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('keeps its polite region while there is nothing to say, so what comes later is announced', () => {
    let say: (notice: string | null) => void = () => undefined;
    function Harness() {
      const [notice, setNotice] = useState<string | null>(null);
      say = setNotice;
      return <ProductFormModal open busyNotice={notice} onClose={() => undefined} />;
    }
    renderWithProviders(<Harness />);
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    expect(within(dialog).queryByText(BUSY)).toBeNull();
    const region = within(dialog).getByTestId('product-busy-notice');
    expect(region).toHaveAttribute('role', 'status');
    expect(region).toBeEmptyDOMElement();

    act(() => say(BUSY));
    expect(within(dialog).getByTestId('product-busy-notice')).toBe(region);
    expect(region).toHaveTextContent(BUSY);
  });
});
