import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { webhookFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { WebhooksList } from '../components/webhooks-list';

describe('Copy secret', () => {
  it('reveals the hidden secret when the copy fails, so that it can be selected and copied by hand', async () => {
    const webhook = webhookFactory({ url: 'https://hooks.test/copy', secret: 'whsec_copyme' });
    mockFetch([{ path: '/api/v1/webhooks', body: [webhook] }]);
    const user = userEvent.setup();
    // The browser refuses (the page lost the focus, or the permission was denied).
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new DOMException('Document is not focused.'));
    renderWithProviders(<WebhooksList />);
    const secret = await screen.findByTestId('webhook-secret');
    expect(secret).not.toHaveTextContent('whsec_copyme');

    await user.click(screen.getByRole('button', { name: /^Copy/ }));
    expect(await screen.findByText(/^Could not copy/)).toHaveTextContent(
      'Could not copy: select the revealed secret and copy it by hand.',
    );
    expect(secret).toHaveTextContent('whsec_copyme');
    expect(screen.getByRole('button', { name: /^Hide/ })).toHaveAttribute('aria-pressed', 'true');
  });
});
