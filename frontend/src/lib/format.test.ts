import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatDateTimeWithSeconds, hideUrlPassword } from './format';

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

describe('formatBytes', () => {
  it('counts in decimal units, as the docs and file managers do (a 53,391,428-byte file is 53 MB)', () => {
    expect(formatBytes(53_391_428)).toBe('53 MB');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500)).toBe('1.5 kB');
    expect(formatBytes(4_000_000)).toBe('4.0 MB');
    expect(formatBytes(999_999)).toBe('1.0 MB');
    expect(formatBytes(214_000_000)).toBe('214 MB');
    expect(formatBytes(2_500_000_000)).toBe('2.5 GB');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('hideUrlPassword', () => {
  it('hides the password of a URL, and leaves the rest as it was written', () => {
    expect(hideUrlPassword('http://user:secret@host/path')).toBe('http://user:•••@host/path');
    expect(hideUrlPassword('https://user:p@ss:w0rd@Host.test:8443/a@b?c=d#e')).toBe(
      'https://user:•••@Host.test:8443/a@b?c=d#e',
    );
    expect(hideUrlPassword('https://:secret@host')).toBe('https://:•••@host');
  });

  it('leaves a URL without a password as it is', () => {
    expect(hideUrlPassword('https://hooks.test/in?to=a@b')).toBe('https://hooks.test/in?to=a@b');
    expect(hideUrlPassword('https://user@host/path')).toBe('https://user@host/path');
    expect(hideUrlPassword('https://user:@host/path')).toBe('https://user:@host/path');
    expect(hideUrlPassword('not a url')).toBe('not a url');
  });
});
