import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpApi, type SocketLike } from '../api/http';
import type { Push } from '../api/generated';
import { PresenceChannel } from './channel';
import { person } from './testing';

class Socket implements SocketLike {
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  sent: unknown[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {}
  open() {
    this.onopen?.({} as Event);
  }
  receive(push: Push) {
    this.onmessage?.({ data: JSON.stringify(push) } as MessageEvent);
  }
  drop() {
    this.onclose?.({} as CloseEvent);
  }
}

const ann = person('p1', 'Ann', { role: 'facilitator', colour: '#e91e63' });

beforeEach(() => {
  // A page's last id is kept per tab; each test is a new tab.
  if (typeof sessionStorage !== 'undefined') sessionStorage.clear();
});

describe('PresenceChannel', () => {
  it('joins once the socket is open, under the chosen name', () => {
    const channel = new PresenceChannel();
    const socket = new Socket();
    channel.join({ name: 'Ann', colour: '#e91e63' });
    expect(socket.sent).toEqual([]);

    channel.attach(socket);

    expect(socket.sent).toEqual([{ type: 'join', name: 'Ann', colour: '#e91e63' }]);
  });

  it('says nothing before it joined, and tells again what lasts (view, selection) after joining', () => {
    const channel = new PresenceChannel();
    const socket = new Socket();
    channel.attach(socket);
    channel.say({ view: { x: 1, y: 2, zoom: 1, mode: 'design' }, cursor: { x: 3, y: 4 } });
    channel.join({ name: 'Ann', colour: '#e91e63' });

    channel.hear({ type: 'joined', participant: ann });

    expect(socket.sent).toEqual([
      { type: 'join', name: 'Ann', colour: '#e91e63' },
      { type: 'update', view: { x: 1, y: 2, zoom: 1, mode: 'design' } },
    ]);
    expect(channel.participantId()).toBe('p1');
  });

  it('a name changed after joining is an update, not a second join', () => {
    const channel = new PresenceChannel();
    const socket = new Socket();
    channel.attach(socket);
    channel.join({ name: 'Ann', colour: '#e91e63' });
    channel.hear({ type: 'joined', participant: ann });

    channel.join({ name: 'Annie', colour: '#43a047' });

    expect(socket.sent.at(-1)).toEqual({ type: 'update', name: 'Annie', colour: '#43a047' });
  });

  it('tells its listeners about presence pushes and lets the board’s pushes through', () => {
    const channel = new PresenceChannel();
    const heard = vi.fn();
    channel.subscribe(heard);

    expect(channel.hear({ type: 'presence', participants: [ann] })).toBe(true);
    expect(channel.hear({ type: 'file_changed', path: 'x.ron' })).toBe(false);
    expect(heard).toHaveBeenCalledTimes(1);
    expect(channel.getSnapshot().participants).toEqual([ann]);
  });
});

describe('presence through HttpApi', () => {
  function served() {
    const sockets: Socket[] = [];
    const calls: RequestInit[] = [];
    const api = new HttpApi({
      origin: 'http://h',
      token: 't',
      retryMs: 100,
      socket: () => {
        const s = new Socket();
        sockets.push(s);
        return s;
      },
      fetch: async (_url, init) => {
        calls.push(init);
        return new Response('{"type":"file_status","changed":false}', { status: 200 });
      },
    });
    return { api, sockets, calls };
  }

  it('requests carry the participant id once joined, so an edit joins its sender’s own undo history', async () => {
    const { api, sockets, calls } = served();
    const pushes: Push[] = [];
    api.subscribe((p) => pushes.push(p));
    api.presence.join({ name: 'Bob', colour: '#1e88e5' });
    await api.send({ type: 'undo' });
    sockets[0]?.open();
    sockets[0]?.receive({ type: 'joined', participant: person('p7', 'Bob') });

    await api.send({ type: 'undo' });

    const headers = calls.map((c) => (c.headers as Record<string, string>)['X-Squall-Participant']);
    expect(headers).toEqual([undefined, 'p7']);
    expect(pushes).toEqual([]);
  });

  it('given the socket drops, the page is nobody until it reconnects and joins again, asking for its id back', () => {
    vi.useFakeTimers();
    try {
      const { api, sockets } = served();
      api.subscribe(() => {});
      api.presence.join({ name: 'Bob', colour: '#1e88e5' });
      sockets[0]?.open();
      sockets[0]?.receive({ type: 'joined', participant: person('p7', 'Bob') });

      sockets[0]?.drop();
      expect(api.presence.participantId()).toBeNull();
      vi.advanceTimersByTime(100);
      sockets[1]?.open();

      // Its id back means its undo history back.
      expect(sockets[1]?.sent).toEqual([{ type: 'join', name: 'Bob', colour: '#1e88e5', resume: 'p7' }]);
      sockets[1]?.receive({ type: 'joined', participant: person('p7', 'Bob') });
      expect(api.presence.participantId()).toBe('p7');
    } finally {
      vi.useRealTimers();
    }
  });
});
