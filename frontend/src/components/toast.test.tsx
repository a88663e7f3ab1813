import { act, render, screen, within } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, fakeClock, realClock, setupUserOnFakeClock } from '@/testing/test-utils';
import { ToastProvider, useToast } from './toast';

/** How long an error toast stays on screen. */
const ERROR_SHOWN_MS = 9000;

let toast: ReturnType<typeof useToast>;

function Toaster() {
  const api = useToast();
  useEffect(() => {
    toast = api;
  }, [api]);
  return null;
}

function shownToasts() {
  return screen.queryAllByTestId('toast').map((card) => card.textContent?.replace('×', ''));
}

describe('ToastProvider', () => {
  beforeEach(() => {
    fakeClock();
    render(
      <ToastProvider>
        <Toaster />
      </ToastProvider>,
    );
  });
  afterEach(realClock);

  it('shows a toast identical to one still on screen once, and keeps it on screen for as long again', async () => {
    const failed = 'Test failed: Timeout: no answer within 10 s';
    act(() => toast.error(failed));
    await advance(ERROR_SHOWN_MS - 1000);
    for (let press = 0; press < 4; press += 1) act(() => toast.error(failed));
    expect(shownToasts()).toEqual([failed]);
    // Its time starts again from the last one.
    await advance(ERROR_SHOWN_MS - 1);
    expect(shownToasts()).toEqual([failed]);
    await advance(1);
    expect(shownToasts()).toEqual([]);
  });

  it('shows an identical toast again as a new one, last, for the live region to announce it again', () => {
    act(() => toast.error('Could not save: Timeout'));
    act(() => toast.error('Could not delete ABC-1: Timeout'));
    const earlier = screen.getByText('Could not save: Timeout');
    act(() => toast.error('Could not save: Timeout'));
    expect(shownToasts()).toEqual(['Could not delete ABC-1: Timeout', 'Could not save: Timeout']);
    expect(earlier).not.toBeInTheDocument();
  });

  it('makes no other toast make way for an identical one shown again', () => {
    for (const message of ['one', 'two', 'three']) act(() => toast.info(message));
    act(() => toast.info('one'));
    expect(shownToasts()).toEqual(['two', 'three', 'one']);
  });

  it('shows the same message of another kind as a toast of its own', () => {
    act(() => toast.info('Saved.'));
    act(() => toast.error('Saved.'));
    expect(shownToasts()).toEqual(['Saved.', 'Saved.']);
  });

  it('shows at most three toasts, dropping the oldest', () => {
    for (const message of ['one', 'two', 'three', 'four']) act(() => toast.info(message));
    expect(shownToasts()).toEqual(['two', 'three', 'four']);
    // An identical toast dropped meanwhile is shown again.
    act(() => toast.info('one'));
    expect(shownToasts()).toEqual(['three', 'four', 'one']);
  });
});

describe('ToastProvider keyboard focus', () => {
  beforeEach(() => {
    fakeClock();
    render(
      <ToastProvider>
        <main>
          <h1 tabIndex={-1}>Products</h1>
        </main>
        <Toaster />
      </ToastProvider>,
    );
  });
  afterEach(realClock);

  function dismissButton(message: string) {
    return within(screen.getByText(message).closest<HTMLElement>('[data-testid="toast"]')!).getByRole('button', {
      name: 'Dismiss notification',
    });
  }

  it("gives the focus of a toast dismissed from the keyboard to the next toast's Dismiss, else to the heading", async () => {
    const user = setupUserOnFakeClock();
    act(() => toast.info('one'));
    act(() => toast.info('two'));
    dismissButton('one').focus();
    await user.keyboard('{Enter}');
    expect(dismissButton('two')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('heading', { name: 'Products' })).toHaveFocus();
  });

  it('keeps the focus on a toast when a repeated toast replaces the one that had it', () => {
    act(() => toast.error('Could not save: Timeout'));
    dismissButton('Could not save: Timeout').focus();
    act(() => toast.error('Could not save: Timeout'));
    expect(dismissButton('Could not save: Timeout')).toHaveFocus();
  });
});
