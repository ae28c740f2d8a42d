import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import type { Push } from './generated';
import { HttpApi, apiUrl, decodePush, tokenFromUrl, wsUrl, type SocketLike } from './http';

function fakeFetch(status: number, body: string) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status });
  };
  return { calls, fetch };
}

describe('the token', () => {
  it('is read from the URL squall serve printed', () => {
    expect(tokenFromUrl('http://127.0.0.1:40123/?token=abc123')).toBe('abc123');
  });

  it('is missing from a URL without one, or with an empty one', () => {
    expect(tokenFromUrl('http://127.0.0.1:40123/')).toBeNull();
    expect(tokenFromUrl('http://127.0.0.1:40123/?token=')).toBeNull();
    expect(tokenFromUrl('not a url')).toBeNull();
  });

  it('goes into the API and push URLs, escaped', () => {
    expect(apiUrl('http://127.0.0.1:4000/', 'a b')).toBe('http://127.0.0.1:4000/api?token=a%20b');
    expect(wsUrl('http://127.0.0.1:4000', 'tok')).toBe('ws://127.0.0.1:4000/ws?token=tok');
    expect(wsUrl('https://board.example', 'tok')).toBe('wss://board.example/ws?token=tok');
  });
});

describe('HttpApi.send', () => {
  it('posts the request as tagged JSON to /api with the token', async () => {
    const { calls, fetch } = fakeFetch(200, '{"type":"file_status","changed":false}');
    const api = new HttpApi({ origin: 'http://127.0.0.1:4000', token: 'tok', fetch });

    const response = await api.send({ type: 'edit', op: { type: 'connect', from: 'a', to: 'b' } });

    expect(response).toEqual({ type: 'file_status', changed: false });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://127.0.0.1:4000/api?token=tok');
    expect(calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ type: 'edit', op: { type: 'connect', from: 'a', to: 'b' } });
  });

  it('rejects with the backend’s own message and the status when refused', async () => {
    const reason = 'cannot connect event `MoneyWithdrawn` (evt-money-withdrawn) to command `WithdrawMoney` (cmd-withdraw-money): an event cannot trigger a command directly; put a policy between them';
    const { fetch } = fakeFetch(422, JSON.stringify({ error: reason }));
    const api = new HttpApi({ origin: 'http://x', token: 't', fetch });

    const err = await api.send({ type: 'undo' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe(reason);
    expect((err as ApiError).status).toBe(422);
  });

  it('says the server cannot be reached when the fetch itself fails', async () => {
    const api = new HttpApi({
      origin: 'http://x',
      token: 't',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });

    await expect(api.send({ type: 'get_state' })).rejects.toThrow('cannot reach squall serve: Failed to fetch');
  });

  it('reports a body that is not an error body by its text or status', async () => {
    const api = new HttpApi({ origin: 'http://x', token: 't', fetch: fakeFetch(502, '').fetch });
    await expect(api.send({ type: 'get_state' })).rejects.toThrow('request failed with status 502');
  });
});

class FakeSocket implements SocketLike {
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  closed = false;
  sent: string[] = [];
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  receive(data: string) {
    this.onmessage?.({ data } as MessageEvent);
  }
}

describe('HttpApi.subscribe', () => {
  it('hands on every push from the socket and ignores what is not a push', () => {
    const sockets: FakeSocket[] = [];
    const api = new HttpApi({ origin: 'http://h:1', token: 't', socket: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; } });
    const pushes: Push[] = [];
    const statuses: string[] = [];

    const stop = api.subscribe((p) => pushes.push(p), (s) => statuses.push(s));
    sockets[0]?.onopen?.({} as Event);
    sockets[0]?.receive('{"type":"file_changed","path":"models/bank_account.ron"}');
    sockets[0]?.receive('not json');
    sockets[0]?.receive('{"type":"something_newer"}');
    stop();

    expect(sockets[0]?.url).toBe('ws://h:1/ws?token=t');
    expect(pushes).toEqual([{ type: 'file_changed', path: 'models/bank_account.ron' }]);
    expect(statuses).toEqual(['connecting', 'open']);
    expect(sockets[0]?.closed).toBe(true);
  });

  it('reconnects after the socket drops, until unsubscribed', () => {
    vi.useFakeTimers();
    try {
      const sockets: FakeSocket[] = [];
      const api = new HttpApi({ origin: 'http://h', token: 't', retryMs: 100, socket: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; } });
      const statuses: string[] = [];
      const stop = api.subscribe(() => {}, (s) => statuses.push(s));

      sockets[0]?.onclose?.({} as CloseEvent);
      vi.advanceTimersByTime(100);
      expect(sockets).toHaveLength(2);
      expect(statuses).toEqual(['connecting', 'closed', 'connecting']);

      stop();
      sockets[1]?.onclose?.({} as CloseEvent);
      vi.advanceTimersByTime(10_000);
      expect(sockets).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('decodePush', () => {
  it('reads the four kinds of push', () => {
    expect(decodePush('{"type":"lint_updated","lint":{"diagnostics":[],"allowed":[]}}')?.type).toBe('lint_updated');
    expect(decodePush('{"type":"changed","state":{}}')?.type).toBe('changed');
    expect(decodePush('[1,2]')).toBeNull();
  });

  it('reads a run push with its traces, so another client sees the run live', () => {
    const push = decodePush('{"type":"run","status":{"head":3},"traces":[{"command":{"name":"DepositMoney"}}]}');
    expect(push?.type).toBe('run');
    expect(push?.type === 'run' ? push.traces.length : -1).toBe(1);
  });

  it('ignores a kind of push it does not know', () => {
    expect(decodePush('{"type":"telemetry","x":1}')).toBeNull();
  });
});
