// What to show when a wait times out or a step fails: the namespace's latest events, and which
// containers' logs explain the pods that are not ready.
import { isHookPod, isServingPod, podReadiness } from './readiness';
import type { IEvent, IPod } from './types';

// Two shapes reach `kubectl get events` (core/v1): a legacy recorder's (the kubelet's, the
// controllers': firstTimestamp, lastTimestamp, count) and an events.k8s.io one's (the scheduler's:
// eventTime for the first occurrence, then series.lastObservedTime and series.count, no timestamps).
const eventTime = (e: IEvent): string =>
  String(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '');
const occurrences = (e: IEvent): number => e.count ?? e.series?.count ?? 1;

/** The latest `limit` events, oldest first, one line each, Warnings marked. */
export function formatEvents(events: IEvent[], limit = 25): string[] {
  return [...events]
    .sort((a, b) => (Date.parse(eventTime(a)) || 0) - (Date.parse(eventTime(b)) || 0))
    .slice(-limit)
    .map((e) => {
      const time = eventTime(e)
        .replace(/^\d{4}-\d\d-\d\dT/, '')
        .replace(/(\.\d+)?Z$/, '');
      const count = occurrences(e) > 1 ? ` (x${occurrences(e)})` : '';
      const object = `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`;
      const message = (e.message ?? '').replace(/\s+/g, ' ').trim();
      return `${time} ${e.type === 'Warning' ? 'WARNING' : 'normal '} ${e.reason ?? ''} ${object}: ${message}${count}`;
    });
}

export interface LogTarget {
  pod: string;
  container: string;
  /** Read the previous instance too: the container restarted, and the crash is in its last run. */
  previous: boolean;
}

/**
 * Containers whose logs explain why a pod is not ready: every not-ready container of not-ready
 * serving pods, and every container of failed test pods (helm deletes the successful ones).
 */
export function logTargets(pods: IPod[]): LogTarget[] {
  const targets: LogTarget[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const failedHook = isHookPod(pod) && pod.status?.phase === 'Failed';
    if (!failedHook && !(isServingPod(pod) && !podReadiness(pod).ready)) continue;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const started = status.state?.running || status.state?.terminated || status.restartCount > 0;
      const initDone = status.state?.terminated?.exitCode === 0 && (pod.status?.initContainerStatuses ?? []).includes(status);
      if (!started || (status.ready && !failedHook) || initDone) continue;
      targets.push({ pod: name, container: status.name, previous: status.restartCount > 0 });
    }
  }
  return targets;
}

/** The lines printed when a wait times out, before the logs. */
export function timeoutReport(what: string, seconds: number, pending: string[], events: IEvent[]): string[] {
  return [
    `TIMEOUT: ${what} not reached after ${seconds}s. Still pending:`,
    ...pending.map((p) => `  - ${p}`),
    'Latest events in the namespace:',
    ...(events.length > 0 ? formatEvents(events).map((l) => `  ${l}`) : ['  (none)']),
  ];
}
