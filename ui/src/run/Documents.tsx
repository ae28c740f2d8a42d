// A read model's documents as of the position looked at: a table or JSON,
// the fields the event at that position changed marked, searchable, paged.

import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api';
import type { Board, DocumentPage, Id } from '../api/generated';
import { cellText, columnsOf, markedLines } from './jsonDiff';
import { Replay } from './Replay';
import { useSettledRun } from './useSettled';
import type { RunView } from './useRun';

const LIMIT = 25;

interface Props {
  run: RunView;
  board: Board;
  readModel: Id | null;
  onReadModel(id: Id): void;
}

export function Documents({ run, board, readModel, onReadModel }: Props) {
  const readModels = board.elements.filter((e) => e.kind === 'ReadModel');
  const chosen = readModel ?? readModels[0]?.id ?? null;
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [asJson, setAsJson] = useState(false);
  const [page, setPage] = useState<DocumentPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { send, revision, at } = useSettledRun(run);

  useEffect(() => {
    if (!chosen) return;
    let live = true;
    send({ type: 'documents', read_model: chosen, at, search: search.trim() || null, offset, limit: LIMIT })
      .then((answer) => {
        if (!live || answer.type !== 'documents') return;
        setPage(answer.page);
        setError(null);
      })
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [at, chosen, offset, revision, search, send]);

  if (readModels.length === 0) return <p className="prop-note">The board has no read model.</p>;
  const docs = page && page.read_model === chosen ? page.documents : [];
  const columns = columnsOf(docs.map((d) => d.document));
  const total = page?.total ?? 0;
  return (
    <section className="run-section" data-testid="documents">
      <div className="run-pickers">
        <select
          aria-label="Read model"
          value={chosen ?? ''}
          onChange={(e) => {
            onReadModel(e.target.value);
            setOffset(0);
          }}
        >
          {readModels.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <input
          aria-label="Search documents"
          placeholder="search keys and values"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setOffset(0);
          }}
          data-testid="documents-search"
        />
        <div className="run-seg" role="group" aria-label="Show documents as">
          <button type="button" className={asJson ? '' : 'run-seg-on'} onClick={() => setAsJson(false)}>
            Table
          </button>
          <button type="button" className={asJson ? 'run-seg-on' : ''} onClick={() => setAsJson(true)}>
            JSON
          </button>
        </div>
      </div>
      {error ? <p className="prop-error">{error}</p> : null}
      {page ? (
        <p className="prop-note" data-testid="documents-at">
          {total} document{total === 1 ? '' : 's'} as of position {page.at}
          {docs.some((d) => d.changed.length > 0) ? '; fields changed by that event are marked' : ''}
        </p>
      ) : null}
      {docs.length === 0 ? null : asJson ? (
        <div className="run-docs-json">
          {docs.map((d) => (
            <div key={d.key} className="run-doc" data-testid="document" data-key={d.key}>
              <div className="run-doc-key">{d.key}</div>
              <pre className="mono run-json">
                {markedLines(d.document, d.changed).map((l, i) => (
                  <div key={i} className={l.changed ? 'run-changed' : undefined}>
                    {l.text}
                  </div>
                ))}
              </pre>
            </div>
          ))}
        </div>
      ) : (
        <div className="run-table-wrap">
          <table className="run-table" data-testid="documents-table">
            <thead>
              <tr>
                <th>key</th>
                {columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {docs.map((d) => {
                const doc = typeof d.document === 'object' && d.document !== null && !Array.isArray(d.document) ? d.document : {};
                return (
                  <tr key={d.key} data-testid="document" data-key={d.key}>
                    <td className="mono">{d.key}</td>
                    {columns.map((c) => (
                      <td key={c} className={d.changed.includes(c) ? 'mono run-changed' : 'mono'} title={d.changed.includes(c) ? 'changed by the event at this position' : undefined}>
                        {cellText(doc[c])}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {total > LIMIT ? (
        <div className="run-pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))}>
            ‹ Previous
          </button>
          <span>
            {offset + 1}–{Math.min(total, offset + LIMIT)} of {total}
          </span>
          <button type="button" disabled={offset + LIMIT >= total} onClick={() => setOffset(offset + LIMIT)}>
            Next ›
          </button>
        </div>
      ) : null}
      <Replay run={run} />
    </section>
  );
}
