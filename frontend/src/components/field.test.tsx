import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Checkbox, TextAreaField, TextField } from './field';
import { ReadOnlyFields } from './read-only-fields';

describe('TextField and TextAreaField', () => {
  it('draw their edge dark enough to see against white (slate-500, 4.76:1)', () => {
    render(
      <>
        <TextField label="SKU" />
        <TextAreaField label="Description" />
      </>,
    );
    expect(screen.getByRole('textbox', { name: 'SKU' })).toHaveClass('ring-slate-500');
    expect(screen.getByRole('textbox', { name: 'Description' })).toHaveClass('ring-slate-500');
  });

  it('tie a field at fault to its message', () => {
    render(<TextField label="Name" error="Name is required." />);
    const name = screen.getByRole('textbox', { name: 'Name' });
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription('Name is required.');
  });
});

describe('Checkbox', () => {
  it('looks locked while its form saves, as `read-only:` styles no checkbox: faded, a not-allowed cursor', () => {
    const box = (saving: boolean) => (
      <ReadOnlyFields value={saving}>
        <Checkbox label="Active" checked onChange={() => undefined} />
      </ReadOnlyFields>
    );
    const { rerender } = render(box(false));
    const active = screen.getByRole('checkbox', { name: 'Active' });
    expect(active).not.toHaveAttribute('aria-readonly');
    rerender(box(true));
    expect(active).toHaveAttribute('aria-readonly', 'true');
    expect(active).toHaveClass('aria-readonly:opacity-60', 'aria-readonly:cursor-not-allowed');
    expect(active.closest('label')).toHaveClass('has-aria-readonly:cursor-not-allowed');
  });
});
