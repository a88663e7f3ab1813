import { describe, expect, it } from 'vitest';

import { trimAsApi } from './text';

describe('trimAsApi', () => {
  it('trims what the API trims around a value, and keeps what is inside', () => {
    expect(trimAsApi('\u00a0\u200bSKU 1\ufeff ')).toBe('SKU 1');
    expect(trimAsApi('\u2060\u180eSKU\u00ad1\u200c\u00ad')).toBe('SKU\u00ad1');
    expect(trimAsApi('കാൽ\u200d')).toBe('കാൽ\u200d'); // an older chillu letter ends with a joiner
  });
});
