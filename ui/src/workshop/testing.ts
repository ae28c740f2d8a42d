// Participants for the workshop's tests.

import type { Participant } from '../api/generated';

export function person(id: string, name: string, extra: Partial<Participant> = {}): Participant {
  return { id, name, colour: '#1e88e5', role: 'participant', cursor: null, selection: [], view: null, presenting: false, ...extra };
}
