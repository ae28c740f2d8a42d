// The one place that decides how the UI reaches the backend.

import type { Api } from './api';
import { HttpApi, tokenFromUrl } from './http';
import { TauriApi, tauriBridge } from './tauri';

export type Transport = { api: Api } | { error: string };

export function createApi(scope: Window): Transport {
  const bridge = tauriBridge(scope);
  if (bridge) return { api: new TauriApi(bridge) };
  const token = tokenFromUrl(scope.location.href);
  if (!token) {
    return {
      error:
        'This page needs the access token of `squall serve`: open the URL it printed (it ends in ?token=…).',
    };
  }
  return { api: new HttpApi({ origin: scope.location.origin, token }) };
}
