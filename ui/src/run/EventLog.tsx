// The event log: every event of the branch, oldest first, in a virtualised
// list whose pages are fetched as people scroll (100,000 events scroll as
// smoothly as ten). A row shows position, stream, type and payload; opened,
// its chain (command → event → policy → command). Clicking a row lights its
// chain on the board.

import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Board, ChainLink, EventFilter, LoggedEvent, RunStatus } from '../api/generated';
import { chainPath, indexBoard, pathHighlight } from './chain';
import { shortValue } from './jsonDiff';
import { PAGE, pagesFor, pagesToDrop, rowAt } from './paging';
import type { RunView } from './useRun';

const ROW = 30;
const LOG_SETTLE_MS = 150;
/** A scroll this soon after a wheel, a press or a key is the person's. */
const USER_SCROLL_MS = 1000;

interface Page {
  epoch: string;
  rows: LoggedEvent[];
}

/** A chain as one line: `DepositMoney → MoneyDeposited → CEO bonus → DepositMoney`. */
export function chainLine(chain: ChainLink[]): string {
  return chain.map((l) => l.name).join(' → ');
}

/** Who a chain link is, said in words (`by CEO bonus`, `by user`). */
function linkNote(link: ChainLink): string {
  if (link.kind === 'command') return link.actor === 'user' ? 'by the user' : link.actor?.startsWith('policy:') ? '' : link.actor ? `by ${link.actor}` : '';
  if (link.kind === 'event') return `#${link.position}`;
  return 'policy';
}

function ChainTree({ chain, event }: { chain: ChainLink[]; event: LoggedEvent }) {
  return (
    <ol className="run-chain" data-testid="event-chain">
      {chain.map((link, i) => (
        <li key={i} style={{ paddingLeft: `${i * 12}px` }} className={`run-chain-${link.kind}`}>
          <span className="run-chain-kind">{link.kind}</span> {link.name} <span className="run-chain-note">{linkNote(link)}</span>
        </li>
      ))}
      <li style={{ paddingLeft: `${chain.length * 12}px` }} className="run-chain-event run-chain-self">
        <span className="run-chain-kind">event</span> {event.name} <span className="run-chain-note">#{event.position} (this one)</span>
      </li>
    </ol>
  );
}

interface Props {
  run: RunView;
  board: Board;
  status: RunStatus;
  filter: EventFilter;
  onFilter(filter: EventFilter): void;
  onSaveScenario(commandId: string, name: string): void;
}

export function EventLog({ run, board, status, filter, onFilter, onSaveScenario }: Props) {
  const [pages, setPages] = useState<Map<number, Page>>(new Map());
  const [total, setTotal] = useState(0);
  const [picked, setPicked] = useState<number | null>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const [follow, setFollow] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);
  const userScrolled = useRef(0);
  const noteUserScroll = () => {
    userScrolled.current = Date.now();
  };
  const asked = useRef(new Map<number, string>());
  const { send } = run;
  const index = useMemo(() => indexBoard(board), [board]);
  const filterKey = JSON.stringify(filter);
  // A new epoch whenever the rows may have changed: pages of an older epoch are shown until fetched again.
  // New events at the head are fetched once the run pauses for LOG_SETTLE_MS, so a run that plays
  // fast is not slowed by the log asking again after every step; another branch or filter at once.
  const latestEpoch = `${status.branch}|${status.head}|${filterKey}`;
  const [currentEpoch, setCurrentEpoch] = useState(latestEpoch);
  const [place, setPlace] = useState(`${status.branch}|${filterKey}`);
  if (place !== `${status.branch}|${filterKey}`) {
    setPlace(`${status.branch}|${filterKey}`);
    setCurrentEpoch(latestEpoch);
  }
  useEffect(() => {
    if (latestEpoch === currentEpoch) return;
    const timer = setTimeout(() => setCurrentEpoch(latestEpoch), LOG_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [currentEpoch, latestEpoch]);
  const epochRef = useRef(currentEpoch);
  useEffect(() => {
    epochRef.current = currentEpoch;
  }, [currentEpoch]);

  // TanStack Virtual hands out functions React Compiler cannot memoise; this component does not rely on it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
    getItemKey: (i) => i,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? Math.min(total, 40);

  const fetchPage = useCallback(
    async (page: number, forEpoch: string) => {
      if (asked.current.get(page) === forEpoch) return;
      asked.current.set(page, forEpoch);
      try {
        const answer = await send({ type: 'events', filter: JSON.parse(filterKey) as EventFilter, offset: page * PAGE, limit: PAGE });
        if (answer.type !== 'events' || epochRef.current !== forEpoch) return;
        setTotal(answer.page.total);
        setPages((old) => {
          const next = new Map(old);
          next.set(page, { epoch: forEpoch, rows: answer.page.events });
          return next;
        });
      } catch {
        asked.current.delete(page);
      }
    },
    [filterKey, send],
  );

  // The first page tells how many rows there are (and whether an empty log has grown); the pages in view follow.
  useEffect(() => {
    if (total === 0 || pages.size === 0) void fetchPage(0, currentEpoch);
  }, [currentEpoch, fetchPage, pages.size, total]);

  // A new filter or branch starts the list again; new events at the head keep the place.
  useEffect(() => {
    setPages(new Map());
    asked.current.clear();
    setFollow(true);
  }, [filterKey, status.branch]);

  const wanted = useMemo(() => pagesFor(first, last, total), [first, last, total]);
  useEffect(() => {
    for (const p of wanted) {
      const held = pages.get(p);
      if (!held || held.epoch !== currentEpoch) void fetchPage(p, currentEpoch);
    }
    const drop = pagesToDrop(pages.keys(), wanted);
    if (drop.length > 0) {
      setPages((old) => {
        const next = new Map(old);
        for (const p of drop) {
          next.delete(p);
          asked.current.delete(p);
        }
        return next;
      });
    }
  }, [currentEpoch, fetchPage, pages, wanted]);

  // Following the head: new events scroll into view, unless people scrolled up to read.
  useEffect(() => {
    if (follow && total > 0) virtualizer.scrollToIndex(total - 1, { align: 'end' });
  }, [follow, total, virtualizer]);

  const rows = useMemo(() => new Map([...pages].map(([p, page]) => [p, page.rows])), [pages]);

  const pick = (event: LoggedEvent) => {
    setPicked(event.position);
    run.focus(pathHighlight(chainPath(event.chain, event.sticky), index));
  };

  const toggle = (position: number) =>
    setOpen((old) => {
      const next = new Set(old);
      if (next.has(position)) next.delete(position);
      else next.add(position);
      return next;
    });

  const eventNames = useMemo(() => board.elements.filter((e) => e.kind === 'Event').map((e) => e.name).sort(), [board.elements]);

  return (
    <div className="run-log" data-testid="event-log">
      <div className="run-log-filters">
        <input
          aria-label="Filter by stream"
          placeholder="stream, e.g. bank_account-acc-1"
          value={filter.stream ?? ''}
          onChange={(e) => onFilter({ ...filter, stream: e.target.value.trim() || null })}
          data-testid="filter-stream"
        />
        <select aria-label="Filter by type" value={filter.event_type ?? ''} onChange={(e) => onFilter({ ...filter, event_type: e.target.value || null })} data-testid="filter-type">
          <option value="">every type</option>
          {eventNames.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <input
          aria-label="Filter by correlation"
          placeholder="correlation id"
          value={filter.correlation_id ?? ''}
          onChange={(e) => onFilter({ ...filter, correlation_id: e.target.value.trim() || null })}
          data-testid="filter-correlation"
        />
        {filter.stream || filter.event_type || filter.correlation_id ? (
          <button type="button" onClick={() => onFilter({})} title="Show every event">
            Clear
          </button>
        ) : null}
      </div>
      <div className="run-log-status">
        <span data-testid="event-total">
          {total.toLocaleString('en')} event{total === 1 ? '' : 's'}
        </span>
        {filter.stream || filter.event_type || filter.correlation_id ? <span>(filtered)</span> : null}
        {total > 0 ? (
          follow ? (
            <span className="run-log-following">· following the latest</span>
          ) : (
            <button type="button" onClick={() => setFollow(true)} data-testid="log-latest" title="Scroll to the latest event and follow new ones">
              ↓ Latest
            </button>
          )
        ) : null}
      </div>
      <div className="run-log-head">
        <span>#</span>
        <span>stream</span>
        <span>type</span>
        <span>payload</span>
      </div>
      <div
        className="run-log-rows"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 1.5;
          // Only a person scrolling up stops following: the list's own scrolls to the end pass
          // through places short of it while rows are measured.
          if (atEnd) setFollow(true);
          else if (Date.now() - userScrolled.current < USER_SCROLL_MS) setFollow(false);
        }}
        onWheel={noteUserScroll}
        onPointerDown={noteUserScroll}
        onTouchStart={noteUserScroll}
        onKeyDown={noteUserScroll}
      >
        {total === 0 ? <p className="prop-note run-log-empty">No events yet{filter.stream || filter.event_type || filter.correlation_id ? ' match' : ''}.</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const event = rowAt(rows, item.index);
            const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` };
            if (!event) {
              return (
                <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="run-log-row run-log-loading" style={style}>
                  <span className="mono">{item.index + 1}</span> …
                </div>
              );
            }
            const later = run.at !== null && event.position > run.at;
            const isOpen = open.has(event.position);
            const root = event.chain[0];
            const classes = ['run-log-row', picked === event.position ? 'run-log-picked' : '', later ? 'run-log-later' : '', isOpen ? 'run-log-open' : ''].filter(Boolean).join(' ');
            return (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className={classes} style={style} data-testid="event-row" data-position={event.position}>
                <div className="run-log-line" onClick={() => pick(event)} title={later ? 'After the position looked at' : chainLine(event.chain)}>
                  <button
                    type="button"
                    className="run-log-toggle"
                    aria-label={isOpen ? 'Close' : 'Open'}
                    aria-expanded={isOpen}
                    onClick={(e) => {
                      e.stopPropagation();
                      toggle(event.position);
                    }}
                  >
                    {isOpen ? '▾' : '▸'}
                  </button>
                  <span className="mono run-log-pos">{event.position}</span>
                  <span className="run-log-stream" title={event.stream_id}>
                    {event.stream_id}
                  </span>
                  <span className="run-log-type">{event.name}</span>
                  <span className="mono run-log-payload">{shortValue(event.data, 120)}</span>
                </div>
                {isOpen ? (
                  <div className="run-log-detail">
                    <pre className="mono run-json">{JSON.stringify(event.data, null, 2)}</pre>
                    <ChainTree chain={event.chain} event={event} />
                    <div className="run-log-meta">
                      <span>v{event.stream_version}</span>
                      <span>{event.recorded_at}</span>
                      <button type="button" className="run-link" onClick={() => onFilter({ correlation_id: event.correlation_id })} title="Show only what followed from the same user command">
                        same cascade
                      </button>
                      <button type="button" className="run-link" onClick={() => onFilter({ stream: event.stream_id })} title="Show only this stream">
                        this stream
                      </button>
                      {root?.kind === 'command' && root.actor === 'user' ? (
                        <button
                          type="button"
                          className="run-link"
                          data-testid="save-scenario"
                          onClick={() => {
                            const name = window.prompt(`Save ${root.name} and its cascade as a scenario named:`, `${root.name} ${event.stream_id}`);
                            if (name && name.trim()) onSaveScenario(root.command_id, name.trim());
                          }}
                          title="Save the user's command at the root of this chain, with the events before it and its cascade, as a scenario on the board"
                        >
                          Save as scenario
                        </button>
                      ) : null}
                    </div>
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
