import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// findBy* and waitFor on the real clock: 1 s by default, which a busy machine can use up before
// the page has answered. (On a fake clock they move it on instead, and stop at the first pass.)
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
});
