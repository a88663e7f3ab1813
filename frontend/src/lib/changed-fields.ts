/**
 * The fields of `next` whose value differs from `before` (a list by its items, in order), as an
 * edit sends them: a save sends no field the person left alone, so it cannot undo a change made
 * to that field elsewhere meanwhile. Empty when nothing changed.
 */
export function changedFields<T extends object>(next: T, before: T): Partial<T> {
  const changes: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (!sameValue(next[key], before[key])) changes[key] = next[key];
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => item === b[index]);
  return a === b;
}

/** Whether `changedFields` found anything: the form is "dirty", a save has something to send. */
export function hasChanges(changes: object): boolean {
  return Object.keys(changes).length > 0;
}
