/** A gate a test holds closed: `passed` settles once `open()` is called (an answer kept back
 * until the test has looked at the screen meanwhile). */
export function gate(): { passed: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}
