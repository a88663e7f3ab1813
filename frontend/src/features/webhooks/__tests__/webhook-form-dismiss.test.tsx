import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { webhookFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { WebhookFormModal } from '../components/webhook-form-modal';

describe('WebhookFormModal dismissed with changes', () => {
  it('asks before Close throws a changed event choice away, and keeps the form on Keep editing', async () => {
    mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<WebhookFormModal open webhook={webhookFactory({ events: ['import.completed'] })} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    await user.click(within(dialog).getByRole('checkbox', { name: /import\.failed/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    const question = screen.getByRole('alertdialog', { name: 'Discard your changes?' });
    await user.click(within(question).getByRole('button', { name: 'Keep editing' }));
    expect(question).not.toBeInTheDocument();
    expect(within(dialog).getByRole('checkbox', { name: /import\.failed/ })).toBeChecked();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes at once on Escape when nothing was changed', async () => {
    mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<WebhookFormModal open onClose={onClose} />);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe("WebhookFormModal and the browser's Back button", () => {
  it('asks before Back throws a typed URL away, and stays on the page on Keep editing', async () => {
    mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    const { router } = renderWithProviders(<WebhookFormModal open onClose={onClose} />, { url: '/' });
    await act(() => router.navigate('/webhooks'));
    const url = screen.getByLabelText(/^Endpoint URL/);
    await user.type(url, 'https://example.com/hook');

    await act(() => router.navigate(-1));
    const question = screen.getByRole('alertdialog', { name: 'Discard your changes?' });
    await user.click(within(question).getByRole('button', { name: 'Keep editing' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/webhooks');
    expect(url).toHaveValue('https://example.com/hook');
    expect(onClose).not.toHaveBeenCalled();

    await act(() => router.navigate(-1));
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
  });
});
