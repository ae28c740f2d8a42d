// The one interface the UI talks to the backend through. Transports (HTTP +
// WebSocket for `squall serve`, IPC for the desktop shell) implement it; the
// rest of the UI never knows which one it has.

import type { PictureFormat, Push, Request, Response } from './generated';
import type { PresenceChannel } from '../workshop/channel';

export type PushHandler = (push: Push) => void;

/** Whether pushes are arriving; the UI warns while they are not. */
export type LinkStatus = 'connecting' | 'open' | 'closed';

export interface Api {
  /** Carry out one request. Rejects with an {@link ApiError} carrying the backend's message. */
  send(request: Request): Promise<Response>;
  /** Hear what the backend pushes (edits by other clients, file changes, lint). Returns the unsubscribe. */
  subscribe(onEvent: PushHandler, onStatus?: (status: LinkStatus) => void): () => void;
  /** Who else is on the board and who this page is; absent on the desktop, where one person works alone. */
  readonly presence?: PresenceChannel;
  /** View actions from a host's menu (the desktop shell's View menu); absent in a browser. */
  views?(onAction: (action: ViewAction) => void): () => void;
  /**
   * Save the board's picture through the host's own save dialog (the
   * desktop shell's, as File ▸ Export does); absent in a browser, which
   * downloads it. Resolves to the file written, or null if cancelled.
   */
  savePicture?(format: PictureFormat): Promise<string | null>;
}

/** What a host's View menu asks of the canvas. */
export type ViewAction = 'zoom_in' | 'zoom_out' | 'fit';

/** A request the backend refused or could not carry out; `message` is the backend's own words. */
export class ApiError extends Error {
  readonly status: number | null;

  constructor(message: string, status: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** The message to show a person for anything a request threw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
