import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDateTimeWithSeconds } from './format';

describe('formatDateTimeWithSeconds', () => {
  it('tells apart times seconds apart, which formatDateTime does not', () => {
    const first = '2025-01-01T10:00:05Z';
    const retry = '2025-01-01T10:00:10Z';
    expect(formatDateTime(first)).toBe(formatDateTime(retry));
    expect(formatDateTimeWithSeconds(first)).toMatch(/^Jan 1, 2025, \d{1,2}:\d\d:05 [AP]M$/);
    expect(formatDateTimeWithSeconds(retry)).toMatch(/:10 [AP]M$/);
    expect(formatDateTimeWithSeconds(null)).toBe('—');
  });
});
