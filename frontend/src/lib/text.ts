/** Characters, not UTF-16 code units, as the API counts them. */
export function characterCount(value: string): number {
  return Array.from(value).length;
}
