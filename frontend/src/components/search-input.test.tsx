import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SearchInput } from './search-input';

describe('SearchInput', () => {
  it('keeps what is typed while the search sent comes back, and sends it in turn', async () => {
    const onChange = vi.fn();
    const box = (value: string) => <SearchInput label="Search" value={value} onChange={onChange} delayMs={50} />;
    const { rerender } = render(box(''));
    const user = userEvent.setup();
    const search = screen.getByRole('searchbox', { name: 'Search' });
    await user.type(search, 'red ');
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('red ', expect.anything()));
    // The next letter comes before the page shows the search sent (a router update can wait).
    await user.type(search, 'l');
    rerender(box('red'));
    expect(search).toHaveValue('red l');
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith('red l', expect.anything()));
  });
});
