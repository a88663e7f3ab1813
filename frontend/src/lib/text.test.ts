import { describe, expect, it } from 'vitest';

import { trimAsApi } from './text';

describe('trimAsApi', () => {
  it('trims what the API trims around a value, and keeps what is inside', () => {
    expect(trimAsApi('\u00a0\u200bSKU 1\ufeff ')).toBe('SKU 1');
    expect(trimAsApi('\u2060\u200dSKU\u00ad1\u200c\u180e')).toBe('SKU\u00ad1');
  });
});
