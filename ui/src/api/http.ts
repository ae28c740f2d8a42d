// The transport of `squall serve`: requests as `POST /api?token=…`, pushes
// over `GET /ws?token=…`. The token comes from the page's own URL, which is
// the one the server printed.

import { ApiError, type Api, type LinkStatus, type PushHandler } from './api';
import type { ErrorBody, Push, Request, Response } from './generated';
import { PresenceChannel } from '../workshop/channel';

type FetchLike = (input: string, init: RequestInit) => Promise<globalThis.Response>;

/** The subset of the browser's WebSocket the transport uses, so tests can fake it. */
export interface SocketLike {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  /** Presence goes out over the same socket (workshop/channel.ts). */
  send(data: string): void;
  close(): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface HttpOptions {
  /** Where the server is, e.g. `http://127.0.0.1:40123` (the page's origin). */
  origin: string;
  token: string;
  fetch?: FetchLike;
  socket?: SocketFactory;
  /** Wait before reconnecting a dropped push socket, in ms; doubles up to 10 s. */
  retryMs?: number;
}

/** The `token` query parameter of a page URL, if it has one. */
export function tokenFromUrl(href: string): string | null {
  try {
    const token = new URL(href).searchParams.get('token');
    return token && token.length > 0 ? token : null;
  } catch {
    return null;
  }
}

export function apiUrl(origin: string, token: string): string {
  return `${origin.replace(/\/$/, '')}/api?token=${encodeURIComponent(token)}`;
}

export function wsUrl(origin: string, token: string): string {
  const base = origin.replace(/\/$/, '').replace(/^http/, 'ws');
  return `${base}/ws?token=${encodeURIComponent(token)}`;
}

/** The body of a request as the server reads it. */
export function encodeRequest(request: Request): string {
  return JSON.stringify(request);
}

/** Parse a push; anything that is not one is ignored (a newer server may push more). */
export function decodePush(text: string): Push | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'type' in value) {
      const type = (value as { type: unknown }).type;
      if (type === 'changed' || type === 'file_changed' || type === 'lint_updated' || type === 'run' || type === 'presence' || type === 'joined') {
        return value as Push;
      }
    }
    return null;
  } catch {
    return null;
  }
}

export class HttpApi implements Api {
  private readonly url: string;
  private readonly socketUrl: string;
  private readonly fetch: FetchLike;
  private readonly socket: SocketFactory;
  private readonly retryMs: number;
  /** Who else is here, and who this page is: joined over the push socket. */
  readonly presence = new PresenceChannel();

  constructor(options: HttpOptions) {
    this.url = apiUrl(options.origin, options.token);
    this.socketUrl = wsUrl(options.origin, options.token);
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.socket = options.socket ?? ((url) => new WebSocket(url));
    this.retryMs = options.retryMs ?? 500;
  }

  async send(request: Request): Promise<Response> {
    let reply: globalThis.Response;
    try {
      reply = await this.fetch(this.url, {
        method: 'POST',
        headers: this.headers(),
        body: encodeRequest(request),
      });
    } catch (err) {
      throw new ApiError(`cannot reach squall serve: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await reply.text();
    if (!reply.ok) {
      throw new ApiError(this.presence.named(errorText(text, reply.status)), reply.status);
    }
    try {
      return JSON.parse(text) as Response;
    } catch {
      throw new ApiError(`squall serve answered with something that is not JSON (status ${reply.status})`, reply.status);
    }
  }

  /** As the participant this page joined as, so an edit joins their own undo history. */
  private headers(): Record<string, string> {
    const participant = this.presence.participantId();
    return participant ? { 'Content-Type': 'application/json', 'X-Squall-Participant': participant } : { 'Content-Type': 'application/json' };
  }

  subscribe(onEvent: PushHandler, onStatus?: (status: LinkStatus) => void): () => void {
    let stopped = false;
    let socket: SocketLike | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let wait = this.retryMs;

    const connect = () => {
      if (stopped) return;
      onStatus?.('connecting');
      socket = this.socket(this.socketUrl);
      const opened = socket;
      socket.onopen = () => {
        wait = this.retryMs;
        onStatus?.('open');
        this.presence.attach(opened);
      };
      socket.onmessage = (ev) => {
        if (typeof ev.data !== 'string') return;
        const push = decodePush(ev.data);
        if (push && !this.presence.hear(push)) onEvent(push);
      };
      socket.onclose = () => {
        this.presence.detach(opened);
        if (stopped) return;
        onStatus?.('closed');
        timer = setTimeout(connect, wait);
        wait = Math.min(wait * 2, 10_000);
      };
    };
    connect();

    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (socket) this.presence.detach(socket);
      socket?.close();
    };
  }
}

/** The server's own message from an error body, or a plain account of the status. */
function errorText(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as Partial<ErrorBody>;
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // Not JSON: a proxy or an older server; fall through to the status.
  }
  return body.trim().length > 0 ? body.trim() : `request failed with status ${status}`;
}
