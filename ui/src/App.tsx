import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { createApi } from './api/transport';
import { Editor } from './board/Editor';

export function App() {
  const [transport] = useState(() => createApi(window));
  if ('error' in transport) {
    return (
      <div className="page-message">
        <h1>Squall</h1>
        <p>{transport.error}</p>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <Editor api={transport.api} />
    </ReactFlowProvider>
  );
}
