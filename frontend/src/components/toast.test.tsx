import { act, render, screen, within } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, fakeClock, realClock, setupUserOnFakeClock } from '@/testing/test-utils';
import { ToastProvider, useToast } from './toast';

/** How long an error toast stays on screen; an info toast. */
const ERROR_SHOWN_MS = 9000;
const INFO_SHOWN_MS = 5000;

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

describe('ToastProvider while a toast is being read', () => {
  beforeEach(() => {
    fakeClock();
    render(
      <ToastProvider>
        <button type="button">Elsewhere</button>
        <Toaster />
      </ToastProvider>,
    );
  });
  afterEach(realClock);

  it('keeps a hovered toast on screen, and lets it go a moment after the pointer leaves', async () => {
    const user = setupUserOnFakeClock();
    act(() => toast.info('Saved ABC-1.'));
    await advance(INFO_SHOWN_MS - 500);
    await user.hover(screen.getByTestId('toast'));
    await advance(60_000);
    expect(shownToasts()).toEqual(['Saved ABC-1.']);
    await user.unhover(screen.getByTestId('toast'));
    await advance(1999);
    expect(shownToasts()).toEqual(['Saved ABC-1.']);
    await advance(1);
    expect(shownToasts()).toEqual([]);
  });

  it('keeps a toast on screen while the keyboard focus is in it, and runs its time on after', async () => {
    act(() => toast.error('Could not save: Timeout'));
    await advance(1000);
    act(() => screen.getByRole('button', { name: 'Dismiss notification' }).focus());
    await advance(60_000);
    expect(shownToasts()).toEqual(['Could not save: Timeout']);
    act(() => screen.getByRole('button', { name: 'Elsewhere' }).focus());
    await advance(ERROR_SHOWN_MS - 1000 - 1);
    expect(shownToasts()).toEqual(['Could not save: Timeout']);
    await advance(1);
    expect(shownToasts()).toEqual([]);
  });

  it('gives its Dismiss button a target of at least 24 by 24 pixels', () => {
    act(() => toast.info('Saved ABC-1.'));
    expect(screen.getByRole('button', { name: 'Dismiss notification' })).toHaveClass('min-h-6', 'min-w-6');
  });
});

describe('ToastProvider keyboard focus', () => {
  beforeEach(() => {
    fakeClock();
    render(
      <ToastProvider>
        <main>
          <h1 tabIndex={-1}>Products</h1>
          <button type="button">Save</button>
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

  it('gives the focus of the last toast dismissed from the keyboard back to where it came from', async () => {
    const user = setupUserOnFakeClock();
    act(() => toast.info('Saved ABC-1.'));
    act(() => screen.getByRole('button', { name: 'Save' }).focus());
    await user.tab();
    expect(dismissButton('Saved ABC-1.')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(shownToasts()).toEqual([]);
    expect(screen.getByRole('button', { name: 'Save' })).toHaveFocus();
  });

  it('keeps the focus on a toast when a repeated toast replaces the one that had it', () => {
    act(() => toast.error('Could not save: Timeout'));
    dismissButton('Could not save: Timeout').focus();
    act(() => toast.error('Could not save: Timeout'));
    expect(dismissButton('Could not save: Timeout')).toHaveFocus();
  });
});

describe('ToastProvider with an action', () => {
  beforeEach(() => {
    fakeClock();
    render(
      <ToastProvider>
        <main>
          <h1 tabIndex={-1}>Products</h1>
          <button type="button">Create product</button>
          <button type="button">Delete all products</button>
        </main>
        <Toaster />
      </ToastProvider>,
    );
  });
  afterEach(realClock);

  it('keeps the toast long enough for the keyboard to reach it; using it dismisses it', async () => {
    const user = setupUserOnFakeClock();
    const onAction = vi.fn();
    act(() => screen.getByRole('button', { name: 'Create product' }).focus());
    act(() => toast.success('Created QA-NEW-0001.', { action: { label: 'Show it', onAction } }));
    act(() => toast.info('Saved ABC-1.'));
    await advance(25_000);
    expect(shownToasts()).toEqual(['Created QA-NEW-0001.Show it']);

    await user.tab();
    await user.tab();
    const action = screen.getByRole('button', { name: 'Show it' });
    expect(action).toHaveFocus();
    // Its label is short: the message says what it acts on.
    expect(action).toHaveAccessibleDescription('Created QA-NEW-0001.');
    expect(within(screen.getByRole('status')).getByTestId('toast')).toContainElement(action);
    await user.keyboard('{Enter}');
    expect(onAction).toHaveBeenCalledTimes(1);
    expect(shownToasts()).toEqual([]);
    // What it acted on is on the page: the focus goes to its top, not back to the control before
    // the toasts (the page's last).
    expect(screen.getByRole('heading', { name: 'Products' })).toHaveFocus();
  });

  it('lets it go after 30 s when it is not used, not cover the page for good', async () => {
    act(() => toast.success('Created QA-NEW-0001.', { action: { label: 'Show it', onAction: () => {} } }));
    await advance(29_000);
    expect(shownToasts()).toEqual(['Created QA-NEW-0001.Show it']);
    await advance(1_000);
    expect(shownToasts()).toEqual([]);
  });

  it('lets it be dismissed without using it', async () => {
    const user = setupUserOnFakeClock();
    const onAction = vi.fn();
    act(() => toast.success('Created QA-NEW-0001.', { action: { label: 'Show it', onAction } }));
    await user.click(screen.getByRole('button', { name: 'Dismiss notification' }));
    expect(shownToasts()).toEqual([]);
    expect(onAction).not.toHaveBeenCalled();
  });

  it('still lets a toast without one go in its time', async () => {
    act(() => toast.success('Created QA-NEW-0001.', { action: { label: 'Show it', onAction: () => {} } }));
    act(() => toast.info('Saved ABC-1.'));
    await advance(INFO_SHOWN_MS);
    expect(shownToasts()).toEqual(['Created QA-NEW-0001.Show it']);
  });
});

describe('ToastProvider unmounted', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('leaves no timer behind to dismiss its toasts', () => {
    const { unmount } = render(
      <ToastProvider>
        <Toaster />
      </ToastProvider>,
    );
    act(() => toast.info('Saved ABC-1.'));
    act(() => toast.error('Could not save: Timeout'));
    expect(vi.getTimerCount()).toBe(2);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
