import { useSyncExternalStore } from 'react';
import type { Observable } from './observable';

/** Re-renders when the observable changes. */
export function useObservable(observable: Observable): number {
  return useSyncExternalStore(observable.subscribe, observable.getVersion);
}
