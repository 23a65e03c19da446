import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, type ClientConfig } from './App';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
fetch('/api/web/config')
  .then((response) => response.json() as Promise<ClientConfig>)
  .then((config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  )
  .catch((error: unknown) => {
    root.render(
      <p style={{ padding: 24 }}>QAUTLRA web: cannot load /api/web/config: {String(error)}</p>,
    );
  });
