import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import type { Push } from './generated';
import { PUSH_EVENT, TauriApi, VIEW_EVENT, tauriBridge, type TauriBridge } from './tauri';

describe('the Tauri transport', () => {
  it('invokes the shell’s `api` command with the request', async () => {
    const calls: [string, Record<string, unknown>][] = [];
    const bridge: TauriBridge = {
      invoke: async (command, args) => {
        calls.push([command, args]);
        return { type: 'file_status', changed: false };
      },
      listen: async () => () => {},
    };

    const response = await new TauriApi(bridge).send({ type: 'check_file' });

    expect(calls).toEqual([['api', { request: { type: 'check_file' } }]]);
    expect(response).toEqual({ type: 'file_status', changed: false });
  });

  it('saves a picture through the shell’s export_picture command, which answers with the file written', async () => {
    const calls: [string, Record<string, unknown>][] = [];
    const bridge: TauriBridge = {
      invoke: async (command, args) => {
        calls.push([command, args]);
        return '/home/me/bank-account.svg';
      },
      listen: async () => () => {},
    };

    const saved = await new TauriApi(bridge).savePicture('svg');

    expect(calls).toEqual([['export_picture', { format: 'svg' }]]);
    expect(saved).toBe('/home/me/bank-account.svg');
  });

  it('turns the shell’s error string into an ApiError with that message', async () => {
    const bridge: TauriBridge = { invoke: () => Promise.reject('nothing to undo'), listen: async () => () => {} };
    const err = await new TauriApi(bridge).send({ type: 'undo' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('nothing to undo');
  });

  it('hears pushes on the shell’s push event', async () => {
    let heard: ((payload: unknown) => void) | null = null;
    const bridge: TauriBridge = {
      invoke: async () => null,
      listen: async (event, handler) => {
        expect(event).toBe(PUSH_EVENT);
        heard = handler;
        return () => {};
      },
    };
    const pushes: Push[] = [];
    new TauriApi(bridge).subscribe((p) => pushes.push(p));
    await Promise.resolve();
    (heard as ((payload: unknown) => void) | null)?.({ type: 'file_changed', path: 'm.ron' });
    expect(pushes).toEqual([{ type: 'file_changed', path: 'm.ron' }]);
  });

  it('passes on the View menu’s actions and nothing else', async () => {
    const handlers = new Map<string, (payload: unknown) => void>();
    const bridge: TauriBridge = {
      invoke: async () => null,
      listen: async (event, handler) => {
        handlers.set(event, handler);
        return () => handlers.delete(event);
      },
    };
    const actions: string[] = [];
    const stop = new TauriApi(bridge).views((a) => actions.push(a));
    await Promise.resolve();
    handlers.get(VIEW_EVENT)?.('fit');
    handlers.get(VIEW_EVENT)?.('print');
    handlers.get(VIEW_EVENT)?.('zoom_in');
    stop();
    expect(actions).toEqual(['fit', 'zoom_in']);
    expect(handlers.has(VIEW_EVENT)).toBe(false);
  });

  it('is not chosen in a plain browser', () => {
    expect(tauriBridge({})).toBeNull();
  });
});
