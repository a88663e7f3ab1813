import { useMutation } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { deleteIfPresent } from '@/lib/api';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { useConfirmedDelete } from './use-confirmed-delete';

type Item = { id: number; name: string };

function List({ items }: { items: Item[] }) {
  const mutation = useMutation({ mutationFn: (item: Item) => deleteIfPresent(`things/${item.id}`) });
  const deletion = useConfirmedDelete<Item>({
    itemSelector: 'li',
    mutation,
    said: {
      deleted: (item) => `Deleted ${item.name}.`,
      alreadyGone: (item) => `${item.name} was gone.`,
      failed: (item, error) => `Could not delete ${item.name}: ${error.message}`,
    },
  });
  return (
    <>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            <button type="button" data-item-action="delete" onClick={() => deletion.ask(item)}>
              Delete {item.name}
            </button>
          </li>
        ))}
      </ul>
      <ConfirmDialog {...deletion.dialogProps} title="Delete thing?" message={deletion.item?.name} confirmLabel="Delete" />
    </>
  );
}

async function confirmDelete(name: string) {
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: `Delete ${name}` }));
  await user.click(within(screen.getByRole('alertdialog', { name: 'Delete thing?' })).getByRole('button', { name: 'Delete' }));
}

describe('useConfirmedDelete', () => {
  it('says a delete failed, closes the dialog and gives the focus back to the Delete button of the item kept', async () => {
    mockFetch([{ method: 'DELETE', path: '/api/v1/things/1', status: 500, body: { detail: 'disk full' } }]);
    renderWithProviders(<List items={[{ id: 1, name: 'one' }, { id: 2, name: 'two' }]} />);
    await confirmDelete('one');
    expect(await screen.findByText('Could not delete one: Disk full')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(screen.getByRole('button', { name: 'Delete one' })).toHaveFocus();
  });

  it("after a delete gives the focus to the next item's Delete button", async () => {
    mockFetch([{ method: 'DELETE', path: '/api/v1/things/1', status: 204 }]);
    renderWithProviders(<List items={[{ id: 1, name: 'one' }, { id: 2, name: 'two' }]} />);
    await confirmDelete('one');
    expect(await screen.findByText('Deleted one.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(screen.getByRole('button', { name: 'Delete two' })).toHaveFocus();
  });
});
