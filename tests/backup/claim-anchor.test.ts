// The backup claim's anchor: every claim the chart renders is listed by a long-running pod template,
// so a WaitForFirstConsumer StorageClass binds it at install (helm --wait, kstatus and Flux wait for
// Bound claims); every pod that mounts the backup claim is sent to the anchor's node while the claim
// may be ReadWriteOnce. Checked over renderings (values/prod.yaml, tests/good-values/backup-everything.yaml,
// an upgrade that renders the pre-upgrade Job...), each check with its negative control.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IToleration } from 'kubernetes-models/v1/Toleration';
import { HelmMajor } from '../../generator/toolchain/tools';
import { FAKE_PASSWORD } from '../chart/scenarios';
import { startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { helmArgs, K8sObject, parseObjects, PartialValues, RenderOptions, renderOk, runHelm } from '../support/helm';
import { one, workloadOf } from '../support/objects';
import { applied } from '../support/secret-generator';
import { HOSTNAME, podTemplates, sharedClaimViolations, unconsumedClaims } from './claim-anchor';

const repoRoot = path.join(__dirname, '..', '..');
const on: PartialValues = { auth: { password: FAKE_PASSWORD }, backup: { enabled: true } };
const toleration: IToleration = { key: 'dedicated', operator: 'Equal', value: 'squash', effect: 'NoSchedule' };
const external: PartialValues = {
  postgresql: { enabled: false },
  externalDatabase: { host: 'pg.shared.svc.cluster.local' },
  auth: { existingSecret: 'shared-pg' },
  backup: { enabled: true },
};

/** prod.yaml upgraded to another Squash TM image over a fake API server: the pre-upgrade Job renders. */
async function prodUpgrade(helm: HelmMajor): Promise<K8sObject[]> {
  const deployment = applied(one(await renderOk({ helm, valuesFiles: ['prod.yaml'] }), 'Deployment', 'squash'));
  const claim: StoredObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'squash-squash-tm-backup', namespace: 'default' },
  };
  const server = await startFakeApiServer([claim, deployment], mkdtempSync(path.join(tmpdir(), 'fake-api-')));
  try {
    const args = helmArgs('template', {
      helm,
      valuesFiles: ['prod.yaml'],
      // The fake API server serves no Gateway API kinds, which Helm 4 maps; the route is beside the point here.
      values: { squash: { image: { tag: '13.1.0' }, httpRoute: { enabled: false } } },
      kubeconfig: server.kubeconfig,
    });
    const result = await runHelm(helm, [...args, '--is-upgrade']);
    if (!result.ok) throw new Error(result.error);
    return parseObjects(result.stdout);
  } finally {
    await server.close();
  }
}

const scenarios: Record<string, RenderOptions> = {
  'default values (no backups)': {},
  'backups on': { values: on },
  'values/prod.yaml': { valuesFiles: ['prod.yaml'] },
  'values/minikube.yaml with backups': { valuesFiles: ['minikube.yaml'], values: { backup: { enabled: true } } },
  'tests/good-values/backup-everything.yaml (an existing claim)': {
    valuesFiles: [path.join(repoRoot, 'tests/good-values/backup-everything.yaml')],
    values: { auth: { password: FAKE_PASSWORD } },
  },
  'an external database (Squash TM is the anchor), tolerations': { values: { ...external, squash: { tolerations: [toleration] } } },
  'PostgreSQL with tolerations, Helm 3': { helm: 'helm3', values: { ...on, postgresql: { tolerations: [toleration] } } },
  'a ReadWriteMany backup claim': { values: { ...on, backup: { enabled: true, persistence: { accessModes: ['ReadWriteMany'] } } } },
};

describe('every claim has an always-running consumer, and its sharers are on its node', () => {
  const renderings: Record<string, K8sObject[]> = {};
  beforeAll(async () => {
    for (const [name, options] of Object.entries(scenarios)) renderings[name] = await renderOk(options);
    renderings['values/prod.yaml upgraded to another Squash TM image (Helm 4)'] = await prodUpgrade('helm4');
    renderings['values/prod.yaml upgraded to another Squash TM image (Helm 3)'] = await prodUpgrade('helm3');
  });

  it.each([
    ...Object.keys(scenarios),
    'values/prod.yaml upgraded to another Squash TM image (Helm 4)',
    'values/prod.yaml upgraded to another Squash TM image (Helm 3)',
  ])('%s', (name) => {
    const objects = renderings[name]!;
    expect(unconsumedClaims(objects)).toEqual([]);
    expect(sharedClaimViolations(objects)).toEqual([]);
  });

  it('covers the CronJob and, on an image-changing upgrade, the pre-upgrade Job', () => {
    const owners = (objects: K8sObject[]) =>
      podTemplates(objects)
        .filter((t) => !t.longRunning && t.spec.affinity)
        .map((t) => t.owner);
    expect(owners(renderings['values/prod.yaml upgraded to another Squash TM image (Helm 4)']!)).toEqual([
      'CronJob/squash-squash-tm-backup',
      'CronJob/squash-squash-tm-restore',
      'Job/squash-squash-tm-backup-pre-upgrade',
    ]);
  });

  it('anchors on PostgreSQL when it is in the chart, on Squash TM otherwise, and mounts the claim in no container', () => {
    for (const [name, component] of [
      ['backups on', 'postgresql'],
      ['an external database (Squash TM is the anchor), tolerations', 'squash'],
    ] as const) {
      const anchor = workloadOf(renderings[name]!, component).spec!.template.spec!;
      expect(anchor.volumes?.find((v) => v.name === 'backups')?.persistentVolumeClaim?.claimName).toBe('squash-squash-tm-backup');
      const mounts = [...(anchor.initContainers ?? []), ...anchor.containers].flatMap((c) => c.volumeMounts ?? []);
      expect(mounts.filter((m) => m.name === 'backups')).toEqual([]);
      const cron = podTemplates(renderings[name]!).find((t) => t.owner.startsWith('CronJob/'))!;
      expect(cron.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
        {
          labelSelector: {
            matchLabels: {
              'app.kubernetes.io/name': 'squash-tm',
              'app.kubernetes.io/instance': 'squash',
              'app.kubernetes.io/component': component,
            },
          },
          topologyKey: HOSTNAME,
        },
      ]);
    }
  });

  it('renders no affinity for a ReadWriteMany claim, and the anchor volume only with backups on', () => {
    const cron = podTemplates(renderings['a ReadWriteMany backup claim']!).find((t) => t.owner.startsWith('CronJob/'))!;
    expect(cron.spec.affinity).toBeUndefined();
    const off = renderings['default values (no backups)']!;
    expect(
      podTemplates(off)
        .flatMap((t) => t.spec.volumes ?? [])
        .filter((v) => v.name === 'backups'),
    ).toEqual([]);
  });

  describe('negative controls', () => {
    const mutated = (name: string, change: (objects: K8sObject[]) => void) => {
      const objects = structuredClone(renderings[name]!);
      change(objects);
      return objects;
    };
    const cronSpec = (objects: K8sObject[]) => podTemplates(objects).find((t) => t.owner.startsWith('CronJob/'))!.spec;

    it('a backup claim the anchor does not list is reported, and so are its users', () => {
      const objects = mutated('values/prod.yaml', (o) => {
        const spec = workloadOf(o, 'postgresql').spec!.template.spec!;
        spec.volumes = spec.volumes?.filter((v) => v.name !== 'backups');
      });
      expect(unconsumedClaims(objects)).toEqual([
        expect.stringContaining('PersistentVolumeClaim squash-squash-tm-backup is listed by no Deployment'),
      ]);
      // Its two users: the backup CronJob and the restore CronJob.
      expect(sharedClaimViolations(objects)).toEqual([
        expect.stringContaining('CronJob/squash-squash-tm-backup mounts claim squash-squash-tm-backup, which 0 long-running'),
        expect.stringContaining('CronJob/squash-squash-tm-restore mounts claim squash-squash-tm-backup, which 0 long-running'),
      ]);
    });

    it('a restore pod that requires the node of a Squash TM anchor (stopped by every restore) is reported', () => {
      const external = 'an external database (Squash TM is the anchor), tolerations';
      const restoreSpec = (o: K8sObject[]) => podTemplates(o).find((t) => t.owner === 'CronJob/squash-squash-tm-restore')!.spec;
      expect(restoreSpec(renderings[external]!).affinity).toBeUndefined();
      const objects = mutated(external, (o) => {
        restoreSpec(o).affinity = cronSpec(o).affinity;
      });
      expect(sharedClaimViolations(objects)).toEqual([expect.stringContaining('which every restore stops first')]);
    });

    it('an affinity to the wrong pods, on the wrong topology, or none is reported', () => {
      const term = (o: K8sObject[]) => cronSpec(o).affinity!.podAffinity!.requiredDuringSchedulingIgnoredDuringExecution![0]!;
      const wrongPods = mutated('values/prod.yaml', (o) => {
        term(o).labelSelector!.matchLabels!['app.kubernetes.io/component'] = 'squash';
      });
      const wrongTopology = mutated('values/prod.yaml', (o) => {
        term(o).topologyKey = 'topology.kubernetes.io/zone';
      });
      const none = mutated('values/prod.yaml', (o) => {
        delete cronSpec(o).affinity;
      });
      for (const objects of [wrongPods, wrongTopology, none]) {
        expect(sharedClaimViolations(objects)).toEqual([
          expect.stringContaining('without a required podAffinity on kubernetes.io/hostname'),
        ]);
      }
    });

    it("a backup pod that lacks the anchor's tolerations is reported", () => {
      const objects = mutated('PostgreSQL with tolerations, Helm 3', (o) => {
        delete cronSpec(o).tolerations;
      });
      expect(sharedClaimViolations(objects)).toEqual([expect.stringContaining('does not tolerate')]);
    });
  });
});

describe.each<HelmMajor>(['helm4', 'helm3'])('a ReadWriteOncePod existing claim (%s, fake API server)', (helm) => {
  const renderWith = async (accessModes: string[]) => {
    const claim: StoredObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'my-dumps', namespace: 'default' },
      spec: { accessModes },
    };
    const server = await startFakeApiServer([claim], mkdtempSync(path.join(tmpdir(), 'fake-api-')));
    try {
      const values = { ...on, backup: { enabled: true, persistence: { existingClaim: 'my-dumps' } } };
      return await runHelm(helm, helmArgs('template', { helm, values, kubeconfig: server.kubeconfig }));
    } finally {
      await server.close();
    }
  };

  it('is refused, naming the key and why; a ReadWriteOnce one renders', async () => {
    const refused = await renderWith(['ReadWriteOncePod']);
    expect(refused.ok ? '' : refused.error).toContain('backup.persistence.existingClaim: claim my-dumps is ReadWriteOncePod');
    expect((await renderWith(['ReadWriteOnce'])).ok).toBe(true);
  });
});
