// Run mode's panels: the launcher and queue on the left; the event log,
// the inspector, branches and scenarios in tabs on the right. A sticky
// clicked on the board opens what it is about.

import { useState } from 'react';
import type { Board, EventFilter, Id, RunStatus, Scenario } from '../api/generated';
import { AggregateInspector } from './AggregateInspector';
import { Branches } from './Branches';
import { Documents } from './Documents';
import { EventLog } from './EventLog';
import { LastStep } from './LastStep';
import { Launcher, QueuePanel } from './Launcher';
import { Scenarios } from './Scenarios';
import { SqlConsole } from './SqlConsole';
import type { RunView } from './useRun';

/** A sticky clicked in Run mode; `seq` tells two clicks on one sticky apart. */
export interface RunPick {
  id: Id;
  seq: number;
}

type Tab = 'events' | 'state' | 'documents' | 'sql' | 'branches' | 'scenarios';

const TABS: { tab: Tab; label: string }[] = [
  { tab: 'events', label: 'Events' },
  { tab: 'state', label: 'State' },
  { tab: 'documents', label: 'Documents' },
  { tab: 'sql', label: 'SQL' },
  { tab: 'branches', label: 'Branches' },
  { tab: 'scenarios', label: 'Scenarios' },
];

interface LeftProps {
  run: RunView;
  board: Board;
  pick: RunPick | null;
  onPick(id: Id): void;
  /** Open a sticky's script, at a line of a script error. */
  onOpenScript?(id: Id, line: number | null): void;
}

export function RunLeft({ run, board, pick, onPick, onOpenScript }: LeftProps) {
  const status = run.status;
  if (!status) {
    return (
      <aside className="run-left">
        <p className="prop-note run-loading">{run.loadError ? `The run cannot start: ${run.loadError}` : 'Starting the run…'}</p>
      </aside>
    );
  }
  return (
    <aside className="run-left" data-testid="run-left">
      <Launcher run={run} board={board} status={status} picked={pick?.id ?? null} onPick={onPick} />
      <LastStep trace={run.recent[0]} onOpenScript={onOpenScript} />
      <QueuePanel board={board} status={status} />
    </aside>
  );
}

interface RightProps {
  run: RunView;
  board: Board;
  pick: RunPick | null;
  onSaveScenario(commandId: string, name: string): void;
}

export function RunRight(props: RightProps) {
  const status = props.run.status;
  if (!status) return <aside className="run-right" />;
  return <RunTabs {...props} status={status} />;
}

function RunTabs({ run, board, status, pick, onSaveScenario }: RightProps & { status: RunStatus }) {
  const [tab, setTab] = useState<Tab>('events');
  const [filter, setFilter] = useState<EventFilter>({});
  const [aggregate, setAggregate] = useState<Id | null>(null);
  const [readModel, setReadModel] = useState<Id | null>(null);
  const [seenPick, setSeenPick] = useState<RunPick | null>(pick);

  // A sticky clicked on the board opens its panel: an aggregate's state, a read model's documents, an event's rows.
  if (pick !== seenPick) {
    setSeenPick(pick);
    const element = pick ? board.elements.find((e) => e.id === pick.id) : undefined;
    if (element?.kind === 'Aggregate') {
      setAggregate(element.id);
      setTab('state');
    } else if (element?.kind === 'ReadModel') {
      setReadModel(element.id);
      setTab('documents');
    } else if (element?.kind === 'Event') {
      setFilter({ event_type: element.name });
      setTab('events');
    }
  }

  const scenarios: Scenario[] = board.scenarios ?? [];
  return (
    <aside className="run-right" data-testid="run-right">
      <div className="run-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.tab}
            type="button"
            role="tab"
            aria-selected={tab === t.tab}
            className={tab === t.tab ? 'run-tab run-tab-on' : 'run-tab'}
            onClick={() => setTab(t.tab)}
            data-testid={`tab-${t.tab}`}
          >
            {t.label}
            {t.tab === 'scenarios' ? <span className="run-tab-count">{scenarios.length}</span> : null}
            {t.tab === 'branches' ? <span className="run-tab-count">{status.branches.length}</span> : null}
          </button>
        ))}
      </div>
      {run.at !== null && tab !== 'events' && tab !== 'sql' && tab !== 'scenarios' ? (
        <div className="run-travel-note" data-testid="run-travel-note">
          As of position {run.at} of {status.head}: later events are kept.
        </div>
      ) : null}
      <div className="run-tab-body">
        {tab === 'events' ? <EventLog run={run} board={board} status={status} filter={filter} onFilter={setFilter} onSaveScenario={onSaveScenario} /> : null}
        {tab === 'state' ? <AggregateInspector run={run} board={board} aggregate={aggregate} onAggregate={setAggregate} /> : null}
        {tab === 'documents' ? <Documents run={run} board={board} readModel={readModel} onReadModel={setReadModel} /> : null}
        {tab === 'sql' ? <SqlConsole run={run} /> : null}
        {tab === 'branches' ? <Branches run={run} status={status} /> : null}
        {tab === 'scenarios' ? <Scenarios run={run} scenarios={scenarios} onSave={onSaveScenario} /> : null}
      </div>
    </aside>
  );
}
