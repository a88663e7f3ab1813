import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Switch } from './switch';

describe('Switch', () => {
  it('is named by the label shown beside it, then by what it belongs to, read by screen readers only', () => {
    const { rerender } = render(<Switch checked label="Enabled" showLabel hiddenContext="https://hooks.test/a" onChange={() => undefined} />);
    expect(screen.getByRole('switch', { name: 'Enabled https://hooks.test/a' })).toBeChecked();
    rerender(<Switch checked={false} label="Enabled" showLabel hiddenContext="https://hooks.test/a" onChange={() => undefined} />);
    const off = screen.getByRole('switch', { name: 'Enabled https://hooks.test/a' });
    expect(off).not.toBeChecked();
    expect(screen.getByText('Enabled')).toBeVisible();
  });

  it('draws the off track dark enough to see against white (slate-500, 4.76:1)', () => {
    render(<Switch checked={false} label="Active: ABC-1" onChange={() => undefined} />);
    expect(screen.getByTestId('switch-track')).toHaveClass('bg-slate-500');
  });
});
