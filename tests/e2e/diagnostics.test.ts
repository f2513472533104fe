import { formatEvents, logTargets, timeoutReport } from './diagnostics';
import { fixture, fixtureItems } from './fixtures';
import type { IEvent, IPod } from './types';

const pod = (name: string) => fixture<IPod>(name);

describe('events printed on timeout', () => {
  const events = fixtureItems<IEvent>('events');

  it('come oldest first, scheduler (events.k8s.io) events by their last occurrence, with repeat counts, Warnings marked', () => {
    expect(formatEvents(events)).toEqual([
      '10:02:10 WARNING FailedBinding persistentvolumeclaim/squash-squash-tm-postgresql: volume "squash-e2e-mfx2k1-squash-squash-tm-postgresql" already bound to a different claim.',
      '10:02:11 normal  Scheduled pod/squash-squash-tm-7c8b9d6f4-m4n8r: Successfully assigned squash-e2e-mfx2k1/squash-squash-tm-7c8b9d6f4-m4n8r to minikube',
      '10:02:41 normal  Pulling pod/squash-squash-tm-7c8b9d6f4-m4n8r: Pulling image "squashtest/squash:13.0.1"',
      expect.stringMatching(
        /^10:07:40 WARNING FailedScheduling pod\/squash-squash-tm-postgresql-0: 0\/1 nodes are available: pod has unbound immediate PersistentVolumeClaims\. .* \(x3\)$/,
      ),
      expect.stringMatching(
        /^10:09:03 WARNING BackOff pod\/squash-squash-tm-7c8b9d6f4-m4n8r: Back-off restarting failed container squash .* \(x12\)$/,
      ),
    ]);
  });

  it('keep only the latest ones', () => {
    expect(formatEvents(events, 2).map((l) => l.slice(0, 8))).toEqual(['10:07:40', '10:09:03']);
  });
});

describe('containers whose logs are printed', () => {
  it('include the previous run of a crash-looping container', () => {
    expect(logTargets([pod('pod-squash-crashloop')])).toEqual([
      { pod: 'squash-squash-tm-7c8b9d6f4-m4n8r', container: 'squash', previous: true },
    ]);
  });

  it('include a running init container and a container that has not passed its startup probe', () => {
    expect(logTargets([pod('pod-squash-init-waiting'), pod('pod-squash-starting')])).toEqual([
      { pod: 'squash-squash-tm-7c8b9d6f4-h5j2k', container: 'wait-for-database', previous: false },
      { pod: 'squash-squash-tm-7c8b9d6f4-q9w7x', container: 'squash', previous: false },
    ]);
  });

  it('include the previous run of an OOM-killed container that runs again', () => {
    expect(logTargets([pod('pod-squash-oomkilled')])).toEqual([
      { pod: 'squash-squash-tm-7c8b9d6f4-v6k9t', container: 'squash', previous: true },
    ]);
  });

  it('include a failed helm test pod', () => {
    expect(logTargets([pod('pod-test-db-failed')])).toEqual([{ pod: 'squash-squash-tm-test-db', container: 'database', previous: false }]);
  });

  it('leave out ready pods, containers that never started, and unscheduled pods', () => {
    expect(logTargets([pod('pod-postgresql-ready'), pod('pod-squash-imagepull'), pod('pod-postgresql-unschedulable')])).toEqual([]);
  });
});

describe('the timeout report', () => {
  it('says what was awaited, for how long, what is pending, then the events', () => {
    const report = timeoutReport(
      'the release to be ready',
      900,
      ['deploy/squash-squash-tm 0/1 available'],
      fixtureItems<IEvent>('events').slice(0, 1),
    );
    expect(report).toEqual([
      'TIMEOUT: the release to be ready not reached after 900s. Still pending:',
      '  - deploy/squash-squash-tm 0/1 available',
      'Latest events in the namespace:',
      expect.stringMatching(/^ {2}10:09:03 WARNING BackOff/),
    ]);
    expect(timeoutReport('x', 1, [], []).at(-1)).toBe('  (none)');
  });
});
