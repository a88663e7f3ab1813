/** An edit rebased on the current version of what it edits, after a save found it changed
 * elsewhere (412): each feature's `rebaseValues` makes one by its own field rules. */
export type Rebased<Values> = {
  /** The person's changes on top of the current values. */
  values: Values;
  /** The names of the fields changed elsewhere. */
  changedElsewhere: string[];
  /** Those of them the person changed too: their value is in the form, so they can see and
   * choose before saving. */
  keptYours: string[];
};

/** What the dialog says once the current values are loaded. */
export function rebasedMessage({ changedElsewhere, keptYours }: Rebased<unknown>): string {
  const elsewhere = changedElsewhere.length ? `Changed elsewhere: ${changedElsewhere.join(', ')}.` : '';
  const kept = keptYours.length ? ` Your value is kept for ${keptYours.join(', ')}: check it.` : '';
  return `${elsewhere}${kept} The current values are loaded with your changes on top; save when ready.`.trim();
}
