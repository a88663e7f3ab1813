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
  let saves = 0;
  // The first save waits, then fails: the next one sends what the form holds.
  const { calls } = mockFetch([
    {
      method: 'PATCH',
      path: '/api/v1/webhooks/12',
      status: () => (++saves === 1 ? 500 : 200),
      body: async () => {
        if (saves > 1) return { ...webhook, events: ['import.completed', 'import.failed'] };
        await hold.passed;
        return { detail: 'database unavailable' };
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
  expect(await screen.findByText(/database unavailable/i)).toBeInTheDocument();
  await user.click(screen.getByRole('button', { name: 'Save changes' }));
  await waitFor(() => expect(onClose).toHaveBeenCalled());
  const saved = { events: ['import.completed', 'import.failed'] };
  expect(calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([saved, saved]);
});
