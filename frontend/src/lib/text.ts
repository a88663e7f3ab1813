/** Characters, not UTF-16 code units, as the API counts them. */
export function characterCount(value: string): number {
  return Array.from(value).length;
}

/** What the API (and the CSV import) trims from a product's SKU and name: Unicode White_Space, the
 * zero-width space, the byte order mark, the soft hyphen, the zero-width non-joiner, the word joiner
 * and the Mongolian vowel separator. `trim()` keeps U+0085 and U+200B, so a SKU of one
 * invisible character would pass the form and be refused by the API. */
const API_TRIMMED = new Set(
  '\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a' +
    '\u2028\u2029\u202f\u205f\u3000\u200b\ufeff\xad\u180e\u200c\u2060',
);

/** `value` without the surrounding characters the API trims (see `API_TRIMMED`). */
export function trimAsApi(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && API_TRIMMED.has(value[start])) start += 1;
  while (end > start && API_TRIMMED.has(value[end - 1])) end -= 1;
  return value.slice(start, end);
}

/** `value` as a sentence: its first letter capitalised (the API's messages start in lower case). */
export function asSentence(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
