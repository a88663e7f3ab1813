import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { authTicket, dismissPrompt, reportAccepted, reportUnauthorized, setToken, signOut, useAuth } from './auth';

describe('auth state', () => {
  afterEach(() => signOut());

  it('keeps polling paused after the prompt is dismissed, until an answer is accepted or a token is set', () => {
    const { result } = renderHook(() => useAuth());
    act(() => {
      setToken('pi_token');
      reportUnauthorized();
    });
    expect(result.current).toMatchObject({ required: true, refused: true });
    act(() => dismissPrompt());
    expect(result.current).toMatchObject({ required: false, refused: true });
    act(() => reportAccepted());
    expect(result.current).toMatchObject({ required: false, refused: false });

    act(() => {
      reportUnauthorized();
      dismissPrompt();
      setToken('pi_other');
    });
    expect(result.current).toMatchObject({ token: 'pi_other', required: false, refused: false });
  });

  it('does not ask again for a 401 to a request sent before the prompt was dismissed', () => {
    const { result } = renderHook(() => useAuth());
    act(() => reportUnauthorized(authTicket()));
    const sentBefore = authTicket();
    act(() => dismissPrompt());
    act(() => reportUnauthorized(sentBefore));
    expect(result.current).toMatchObject({ required: false, refused: true });

    act(() => reportUnauthorized(authTicket()));
    expect(result.current).toMatchObject({ required: true, refused: true });
  });

  it('takes no notice of a 401 to a request sent with the token in use before a new one was set', () => {
    const { result } = renderHook(() => useAuth());
    act(() => {
      setToken('pi_revoked');
      reportUnauthorized(authTicket());
    });
    const sentWithOld = authTicket();
    act(() => setToken('pi_new'));
    act(() => reportUnauthorized(sentWithOld));
    expect(result.current).toMatchObject({ token: 'pi_new', required: false, refused: false });

    act(() => reportUnauthorized(authTicket()));
    expect(result.current).toMatchObject({ required: true, refused: true });
  });
});
