import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TextAreaField, TextField } from './field';

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
