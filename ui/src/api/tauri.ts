// The desktop shell's transport: the same requests over Tauri's IPC. The
// shell (src-tauri) exposes the command `api`, taking `{ request }` and
// returning the Response (or rejecting with the error's message), and emits
// every Push as the event `squall:push`. Its one other command,
// `export_picture`, is File ▸ Export: a native save dialog, which a page
// cannot open. Nothing here imports Tauri: the shell's globals are read at
// run time, so the browser build stays lean.

import { ApiError, type Api, type LinkStatus, type PushHandler, type ViewAction } from './api';
import type { PictureFormat, Push, Request, Response } from './generated';

export interface TauriBridge {
  invoke(command: string, args: Record<string, unknown>): Promise<unknown>;
  listen(event: string, handler: (payload: unknown) => void): Promise<() => void>;
}

export const PUSH_EVENT = 'squall:push';
/** The shell's View menu: `"zoom_in"`, `"zoom_out"` or `"fit"`. */
export const VIEW_EVENT = 'squall:view';

export class TauriApi implements Api {
  private readonly bridge: TauriBridge;

  constructor(bridge: TauriBridge) {
    this.bridge = bridge;
  }

  async send(request: Request): Promise<Response> {
    try {
      return (await this.bridge.invoke('api', { request })) as Response;
    } catch (err) {
      throw new ApiError(typeof err === 'string' ? err : err instanceof Error ? err.message : String(err));
    }
  }

  subscribe(onEvent: PushHandler, onStatus?: (status: LinkStatus) => void): () => void {
    return this.listen(PUSH_EVENT, (payload) => onEvent(payload as Push), () => onStatus?.('open'));
  }

  /** The shell's `export_picture` command: its save dialog, then the file written (null if cancelled). */
  async savePicture(format: PictureFormat): Promise<string | null> {
    try {
      return (await this.bridge.invoke('export_picture', { format })) as string | null;
    } catch (err) {
      throw new ApiError(typeof err === 'string' ? err : err instanceof Error ? err.message : String(err));
    }
  }

  views(onAction: (action: ViewAction) => void): () => void {
    return this.listen(VIEW_EVENT, (payload) => {
      if (payload === 'zoom_in' || payload === 'zoom_out' || payload === 'fit') onAction(payload);
    });
  }

  /** Listen until the returned function is called, even if that comes before listening started. */
  private listen(event: string, handler: (payload: unknown) => void, started?: () => void): () => void {
    let unlisten: (() => void) | null = null;
    let stopped = false;
    void this.bridge.listen(event, handler).then((stop) => {
      if (stopped) stop();
      else unlisten = stop;
      started?.();
    });
    return () => {
      stopped = true;
      unlisten?.();
    };
  }
}

interface TauriGlobals {
  core: { invoke(command: string, args: Record<string, unknown>): Promise<unknown> };
  event: { listen(event: string, handler: (e: { payload: unknown }) => void): Promise<() => void> };
}

/** The shell's IPC, when the page runs inside the desktop app (which sets `withGlobalTauri`). */
export function tauriBridge(scope: object): TauriBridge | null {
  const tauri = (scope as { __TAURI__?: TauriGlobals }).__TAURI__;
  if (!tauri?.core || !tauri.event) return null;
  return {
    invoke: (command, args) => tauri.core.invoke(command, args),
    listen: (event, handler) => tauri.event.listen(event, (e) => handler(e.payload)),
  };
}
