// Answers recorded from `squall serve models/bank_account.ron` (Grammar and
// GetState), so the mapping is tested on what the backend really sends.

import type { Grammar, State } from '../api/generated';
import { makeCatalog } from '../board/catalog';
import grammarJson from './grammar.json';
import stateJson from './bank_account_state.json';

export const grammar = (grammarJson as unknown as { grammar: Grammar }).grammar;
export const bankAccount = (): State => structuredClone(stateJson) as unknown as State;
export const catalog = makeCatalog(grammar);
