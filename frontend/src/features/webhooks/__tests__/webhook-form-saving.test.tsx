import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it, vi } from 'vitest';
import { webhookFactory } from '@/testing/factories';
import { gate } from '@/testing/gate';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { WebhookFormModal } from '../components/webhook-form-modal';

it('keeps its fields read-only, but focusable, while a save runs: nothing changed after Save is dropped', async () => {
  const webhook = webhookFactory({ id: 12, events: ['import.completed'], description: null });
  const hold = gate();
  const { calls } = mockFetch([
    {
      method: 'PATCH',
      path: '/api/v1/webhooks/12',
      body: async () => {
        await hold.passed;
        return { ...webhook, events: ['import.completed', 'import.failed'] };
      },
    },
  ]);
  const onClose = vi.fn();
  const user = userEvent.setup();
  renderWithProviders(<WebhookFormModal open webhook={webhook} onClose={onClose} />);
  await user.click(screen.getByRole('checkbox', { name: /import\.failed/ }));
  await user.click(screen.getByRole('button', { name: 'Save changes' }));
  const cancelled = screen.getByRole('checkbox', { name: /import\.cancelled/ });
  await waitFor(() => expect(cancelled).toHaveAttribute('aria-readonly', 'true'));

  // The save waits: the person goes on choosing events and typing.
  cancelled.focus();
  await user.keyboard(' ');
  expect(cancelled).not.toBeChecked();
  expect(cancelled).toHaveFocus();
  const description = screen.getByLabelText(/^Description/);
  await user.type(description, 'typed while saving');
  expect(description).toHaveValue('');

  hold.open();
  await waitFor(() => expect(onClose).toHaveBeenCalled());
  expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ events: ['import.completed', 'import.failed'] });
});
