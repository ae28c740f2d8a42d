// Ctrl+F: find stickies by name or tag (the backend searches), and jump
// between the hits with Enter and Shift+Enter.

import { useEffect, useRef } from 'react';
import type { SearchHit } from '../api/generated';

interface Props {
  query: string;
  hits: SearchHit[];
  current: number;
  onQuery(query: string): void;
  onStep(direction: 1 | -1): void;
  onClose(): void;
}

export function SearchBar({ query, hits, current, onQuery, onStep, onClose }: Props) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <div className="search-bar" role="search">
      <input
        ref={input}
        type="search"
        placeholder="Find by name or #tag"
        aria-label="Find by name or tag"
        value={query}
        onChange={(e) => onQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            onStep(e.shiftKey ? -1 : 1);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="search-count">
        {query.trim() === '' ? '' : hits.length === 0 ? 'no match' : `${current + 1 > 0 ? current + 1 : '–'} / ${hits.length}`}
      </span>
      <button type="button" onClick={() => onStep(-1)} disabled={hits.length === 0} aria-label="Previous match">
        ↑
      </button>
      <button type="button" onClick={() => onStep(1)} disabled={hits.length === 0} aria-label="Next match">
        ↓
      </button>
      <button type="button" onClick={onClose} aria-label="Close search">
        ×
      </button>
    </div>
  );
}
