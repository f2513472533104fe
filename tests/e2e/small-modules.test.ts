// args, durations, quantities and pod comparison: the harness's small pure helpers.
import { freshNamespace, parseArgs } from './args';
import { fixture, fixtureItems } from './fixtures';
import { formatDuration, parseDuration, stepLine } from './progress';
import { comparePods, podIdentities, replacementPending } from './rollout';
import type { IPersistentVolume, IPod } from './types';
import { releaseVolumes } from './wait';

describe('command line', () => {
  it('defaults to values/minikube.yaml, Helm 4, cleanup, 15 minutes', () => {
    expect(parseArgs([])).toMatchObject({ valuesFile: 'values/minikube.yaml', helm3: false, keep: false, timeoutSeconds: 900 });
  });

  it('reads every option', () => {
    expect(
      parseArgs([
        '--minikube',
        '--profile',
        'lab',
        '--values',
        'values/dev.yaml',
        '--helm3',
        '--keep',
        '--require-nodeport',
        '--timeout',
        '20m',
        '--release',
        'sq',
        '--namespace',
        'e2e-1',
      ]),
    ).toEqual({
      minikube: true,
      profile: 'lab',
      valuesFile: 'values/dev.yaml',
      helm3: true,
      keep: true,
      requireNodePort: true,
      timeoutSeconds: 1200,
      release: 'sq',
      namespace: 'e2e-1',
    });
  });

  it.each([
    [['--values'], '--values needs a value'],
    [['--values', '--keep'], '--values needs a value'],
    [['--timeout', 'soon'], '"soon" is not a duration such as 90s, 15m or 1h'],
    [['--namespace', 'Bad_NS'], '--namespace "Bad_NS" is not a DNS label of at most 53 characters (a-z, 0-9, -)'],
    [['--frobnicate'], 'unknown option --frobnicate'],
  ])('rejects %j', (argv, error) => {
    expect(parseArgs(argv)).toEqual({ error });
  });

  it('makes a fresh namespace from the time', () => {
    expect(freshNamespace(new Date(Date.UTC(2026, 10, 29, 10, 0, 0)))).toBe('squash-e2e-mx1o4740');
    expect(freshNamespace(new Date(Date.UTC(2026, 10, 29, 10, 0, 1)))).not.toBe('squash-e2e-mx1o4740');
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['1m30s', 90],
    ['45', 45],
  ])('parses %s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it('rejects zero and nonsense', () => {
    expect(() => parseDuration('0s')).toThrow();
    expect(() => parseDuration('')).toThrow();
  });

  it('prints short durations in seconds and long ones in minutes', () => {
    expect([formatDuration(400), formatDuration(12_345), formatDuration(134_000), formatDuration(3_720_000)]).toEqual([
      '0.4s',
      '12.3s',
      '2m14s',
      '1h02m',
    ]);
    expect(stepLine(3, 9, 'wait', 'ok', 134_000)).toBe('[3/9] wait: ok (2m14s)');
  });
});

describe('pods before and after an upgrade', () => {
  const postgres = fixture<IPod>('pod-postgresql-ready');
  const squash = fixture<IPod>('pod-squash-starting');
  const before = podIdentities([postgres, squash, fixture<IPod>('pod-test-db-failed')]);

  it('identify serving pods by component, uid and restarts; test pods are left out', () => {
    expect(before).toEqual([
      {
        component: 'postgresql',
        name: 'squash-squash-tm-postgresql-0',
        uid: '365ea912-ebfc-4dce-a134-850c2d7774dd',
        restarts: 0,
      },
      { component: 'squash', name: 'squash-squash-tm-7c8b9d6f4-q9w7x', uid: 'ed9a9e5d-6d44-47a6-a6e9-3c43eed043ed', restarts: 0 },
    ]);
  });

  it('see nothing change when the same pods are there', () => {
    expect(comparePods(before, before)).toEqual({ replaced: [], restarted: [], unchanged: ['postgresql', 'squash'] });
  });

  it('see a rolled pod as replaced and a crashed container as restarted', () => {
    const after = podIdentities([postgres, fixture<IPod>('pod-squash-crashloop')]).map((p) =>
      p.component === 'postgresql' ? { ...p, restarts: 1 } : p,
    );
    expect(comparePods(before, after)).toEqual({ replaced: ['squash'], restarted: ['postgresql'], unchanged: [] });
  });
});

describe('a deleted PostgreSQL pod', () => {
  const old = fixture<IPod>('pod-postgresql-ready');
  const before = podIdentities([old]);
  const replacement = () => {
    const pod = fixture<IPod>('pod-postgresql-ready');
    pod.metadata = { ...pod.metadata, name: 'squash-squash-tm-postgresql-6d9f7c5b8-n4w2q', uid: '6f8a0c2e-4b6d-4f8a-9c1e-3b5d7f9a1c3f' };
    return pod;
  };

  it('is not replaced while the old pod terminates, even with the new one there', () => {
    const terminating = fixture<IPod>('pod-postgresql-terminating');
    expect(replacementPending(before, [terminating, replacement()])).toEqual(['old pod squash-squash-tm-postgresql-0 still terminating']);
  });

  it('is not replaced before a new pod exists', () => {
    expect(replacementPending(before, [])).toEqual(['no new PostgreSQL pod yet']);
  });

  it('is replaced once the old pod is gone and a new one is there', () => {
    expect(replacementPending(before, [replacement()])).toEqual([]);
  });
});

describe("the release's PVs", () => {
  // An unbound static PV of this run, a bound one of another run, a provisioned one bound to this run's claim.
  const pvs = () => fixtureItems<IPersistentVolume>('flow-pvs-three-runs');

  it("finds this run's static PV before it is bound (by Helm's namespace annotation), and a provisioned one by its claim", () => {
    expect(releaseVolumes(pvs(), 'squash-e2e-mfx2k1').map((pv) => pv.metadata?.name)).toEqual([
      'squash-e2e-mfx2k1-squash-squash-tm-postgresql',
      'pvc-0b7e3c91-4a5d-4f26-8e1b-c39a7d50f264',
    ]);
  });

  it("never another run's", () => {
    expect(releaseVolumes(pvs(), 'squash-e2e-mfw0p3').map((pv) => pv.metadata?.name)).toEqual([
      'squash-e2e-mfw0p3-squash-squash-tm-postgresql',
    ]);
    expect(releaseVolumes(pvs(), 'squash-e2e-other')).toEqual([]);
  });
});
