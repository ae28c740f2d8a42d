// ELK for the app: loaded when the board is first tidied (it is 1.6 MB),
// and run in a web worker, so laying out a big board never freezes the page.

import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';

let engine: Promise<ELK> | null = null;

export function layoutInWorker(graph: ElkNode): Promise<ElkNode> {
  engine ??= import('elkjs/lib/elk-api.js')
    .then(({ default: Elk }) => new Elk({ workerUrl }))
    .catch((err: unknown) => {
      // A failed load (the app updated under the page, say) is tried again next time.
      engine = null;
      throw err;
    });
  return engine.then((elk) => elk.layout(graph));
}
