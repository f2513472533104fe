// The Argo CD and Helm simulations (argo-sync.ts, helm-sync.ts) on hand-made objects: the order each tool creates them in, and a
// hook that cannot start because what it needs comes later (or never).
import type { KubeObject } from '../validator/objects';
import { podNeeds } from './pod-dependencies';
import { argoCdSync, argoPhases, argoSyncBatches, argoWave } from './argo-sync';
import { helmHooks, helmRelease } from './helm-sync';
import type { Made } from './sync-simulation';

const hook = (events: string, weight?: number, extra: Record<string, string> = {}) => ({
  'helm.sh/hook': events,
  ...(weight === undefined ? {} : { 'helm.sh/hook-weight': String(weight) }),
  ...extra,
});
const object = (kind: string, name: string, annotations?: Record<string, string>, rest: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(annotations ? { annotations } : {}) },
  ...rest,
});
/** A Job whose pod runs as `account`, mounts `claim`, and reads `secret` key `password`. */
function job(
  name: string,
  annotations: Record<string, string> | undefined,
  needs: { account?: string; claim?: string; secret?: string; optionalSecret?: string },
) {
  return object('Job', name, annotations, {
    apiVersion: 'batch/v1',
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          ...(needs.account ? { serviceAccountName: needs.account } : {}),
          ...(needs.claim ? { volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: needs.claim } }] } : {}),
          containers: [
            {
              name: 'main',
              image: 'postgres:17.6',
              env: [
                ...(needs.secret ? [{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: needs.secret, key: 'password' } } }] : []),
                ...(needs.optionalSecret
                  ? [{ name: 'OLD', valueFrom: { secretKeyRef: { name: needs.optionalSecret, key: 'password', optional: true } } }]
                  : []),
              ],
            },
          ],
        },
      },
    },
  });
}
const secret = (name: string, keys: string[], annotations?: Record<string, string>) =>
  object('Secret', name, annotations, { data: Object.fromEntries(keys.map((k) => [k, 'eA=='])) });
const deployment = (name: string) =>
  object('Deployment', name, undefined, {
    apiVersion: 'apps/v1',
    spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
  });
/** A generator Job that makes the Secret `creds` (key password) once it succeeded. */
const outputs = (o: KubeObject): Made[] => (o.metadata.name === 'generator' ? [{ kind: 'Secret', name: 'creds', keys: ['password'] }] : []);

describe('Argo CD: phases and waves', () => {
  it('maps pre-install and pre-upgrade to PreSync, post-install and post-upgrade to PostSync, and the rest to Sync', () => {
    expect(argoPhases(object('Job', 'a', hook('pre-install,pre-upgrade')))).toEqual(['PreSync']);
    expect(argoPhases(object('Job', 'a', hook('post-upgrade')))).toEqual(['PostSync']);
    expect(argoPhases(object('Job', 'a', hook('pre-install,post-install')))).toEqual(['PreSync', 'PostSync']);
    expect(argoPhases(object('Service', 'a'))).toEqual(['Sync']);
  });
  it("does not sync test hooks, other Helm hooks, or Skip; its own hook annotation wins over Helm's", () => {
    expect(argoPhases(object('Pod', 't', hook('test')))).toEqual([]);
    expect(argoPhases(object('Job', 'd', hook('pre-delete')))).toEqual([]);
    expect(argoPhases(object('Job', 's', hook('pre-upgrade', -10, { 'argocd.argoproj.io/hook': 'Skip' })))).toEqual([]);
    expect(argoPhases(object('Job', 'p', hook('pre-upgrade', 0, { 'argocd.argoproj.io/hook': 'PostSync' })))).toEqual(['PostSync']);
  });
  it('takes the wave from sync-wave, else from the hook weight, else 0', () => {
    expect(argoWave(object('Job', 'a', { 'argocd.argoproj.io/sync-wave': '3', 'helm.sh/hook-weight': '-5' }))).toBe(3);
    expect(argoWave(object('Job', 'a', hook('pre-install', -5)))).toBe(-5);
    expect(argoWave(object('Job', 'a', { 'helm.sh/hook-weight': 'x' }))).toBe(0);
  });
  it('orders by phase, wave, kind, then name', () => {
    const objects = [
      deployment('web'),
      object('Job', 'b', hook('pre-install', -20)),
      object('Role', 'r', hook('pre-install', -30)),
      object('ServiceAccount', 'z', hook('pre-install', -30)),
      object('Job', 'a', hook('pre-install', -20)),
      object('Pod', 'test', hook('test')),
      object('Job', 'after', hook('post-install')),
    ];
    const { batches, skipped } = argoSyncBatches(objects);
    expect(batches.map((b) => [b.step, b.objects.map((o) => o.metadata.name)])).toEqual([
      ['PreSync wave -30', ['z', 'r']],
      ['PreSync wave -20', ['a', 'b']],
      ['Sync wave 0', ['web']],
      ['PostSync wave 0', ['after']],
    ]);
    expect(skipped).toEqual(['Pod/test']);
  });
});

describe('Argo CD: every hook finds what it needs when it is created', () => {
  it('passes a PreSync hook whose account, claim and Secret come from earlier waves or exist already', () => {
    const objects = [
      object('ServiceAccount', 'dumper', hook('pre-install', -30)),
      object('PersistentVolumeClaim', 'backups', hook('pre-install', -30)),
      job('dump', hook('pre-upgrade', -10), { account: 'dumper', claim: 'backups', secret: 'db', optionalSecret: 'absent' }),
    ];
    expect(argoCdSync(objects, { existing: [secret('db', ['password'])] }).problems).toEqual([]);
  });

  it('reports a PreSync hook that needs a claim only the Sync phase creates, and stops there', () => {
    const objects = [
      job('dump', hook('pre-upgrade', -10), { claim: 'backups' }),
      object('PersistentVolumeClaim', 'backups'),
      deployment('web'),
    ];
    const sync = argoCdSync(objects);
    expect(sync.problems).toEqual([
      'Job/dump (PreSync wave -10) can never start: PersistentVolumeClaim/backups does not exist (volume "backups"): it is only created at Sync wave 0',
      'Argo CD waits at PreSync wave -10 until the Job fails (activeDeadlineSeconds), and the sync fails; never reached: Sync wave 0',
    ]);
    expect(sync.steps.map((s) => s.step)).toEqual(['PreSync wave -10']);
  });

  it('reports a missing ServiceAccount, saying when nothing creates it', () => {
    const sync = argoCdSync([job('dump', hook('pre-install'), { account: 'ghost' })]);
    expect(sync.problems).toEqual([
      'Job/dump (PreSync wave 0) can never start: ServiceAccount/ghost does not exist (serviceAccountName): nothing creates it',
      'Argo CD waits at PreSync wave 0 until the Job fails (activeDeadlineSeconds), and the sync fails',
    ]);
  });

  it('counts the Secrets an earlier hook Job made as existing, but not those of a Job in the same wave', () => {
    const generator = job('generator', hook('pre-install', -20), {});
    expect(argoCdSync([generator, job('reader', hook('pre-install', -10), { secret: 'creds' })], { outputs }).problems).toEqual([]);
    const sameWave = argoCdSync([generator, job('reader', hook('pre-install', -20), { secret: 'creds' })], { outputs });
    expect(sameWave.problems[0]).toBe(
      'Job/reader (PreSync wave -20) can never start: Secret/creds does not exist (env PGPASSWORD of container "main"): it is only made by Job/generator at PreSync wave -20',
    );
  });

  it('reports a key the Secret does not hold', () => {
    const problems = argoCdSync([job('reader', hook('pre-install'), { secret: 'db' })], {
      existing: [secret('db', ['username'])],
    }).problems;
    expect(problems[0]).toContain('Secret/db has no key password (env PGPASSWORD of container "main")');
  });

  it('reports a Sync-phase pod whose Secret nothing makes, without stopping the sync', () => {
    const web = object('Deployment', 'web', undefined, {
      apiVersion: 'apps/v1',
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1', envFrom: [{ secretRef: { name: 'app-env' } }] }] } } },
    });
    const sync = argoCdSync([web, object('Job', 'after', hook('post-install'))]);
    expect(sync.problems).toEqual([
      'Deployment/web (Sync wave 0) can never start: Secret/app-env does not exist (envFrom of container "app"): nothing creates it',
    ]);
    expect(sync.steps.map((s) => s.step)).toEqual(['Sync wave 0', 'PostSync wave 0']);
  });
});

describe('Helm', () => {
  it('runs the hooks of the event in kind order, then by weight and name, and drops unknown and other events', () => {
    const objects = [
      object('Job', 'b', hook('pre-install', 5)),
      object('Role', 'same', hook('pre-install', -30)),
      object('ServiceAccount', 'same', hook('pre-install', -30)),
      object('Job', 'a', hook('pre-install', 5)),
      object('Job', 'up', hook('pre-upgrade', -50)),
      object('Job', 'odd', hook('pre-install,on-tuesday', -50)),
    ];
    expect(helmHooks(objects, 'pre-install').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/same',
      'Role/same',
      'Job/a',
      'Job/b',
    ]);
  });

  it('install: a pre-install hook runs before any release object, so it cannot use the release ServiceAccount', () => {
    const objects = [object('ServiceAccount', 'app'), job('migrate', hook('pre-install'), { account: 'app' }), deployment('web')];
    const install = helmRelease(objects, 'install');
    expect(install.problems).toEqual([
      'Job/migrate (pre-install hook Job/migrate (weight 0)) can never start: ServiceAccount/app does not exist (serviceAccountName): it is only created at the release objects',
      'helm waits for Job/migrate until --timeout, and the install fails; never reached: the release objects',
    ]);
  });

  it('install: deletes hook-succeeded hooks once the event is over, so a post-install hook cannot use them', () => {
    const objects = [
      object('ServiceAccount', 'hooks', hook('pre-install', -5, { 'helm.sh/hook-delete-policy': 'hook-succeeded' })),
      job('first', hook('pre-install'), { account: 'hooks' }),
      job('later', hook('post-install'), { account: 'hooks' }),
    ];
    expect(helmRelease(objects, 'install').problems[0]).toBe(
      'Job/later (post-install hook Job/later (weight 0)) can never start: ServiceAccount/hooks does not exist (serviceAccountName): it is only created at pre-install hook ServiceAccount/hooks (weight -5)',
    );
  });

  it('upgrade: a pre-upgrade hook finds what the previous revision left', () => {
    const objects = [
      object('ServiceAccount', 'app'),
      object('PersistentVolumeClaim', 'backups'),
      job('dump', hook('pre-upgrade', -10), { account: 'app', claim: 'backups' }),
    ];
    const previous = objects.filter((o) => o.kind !== 'Job');
    expect(helmRelease(objects, 'upgrade', { existing: previous }).problems).toEqual([]);
    expect(helmRelease(objects, 'upgrade').problems).toHaveLength(2);
  });

  it('never runs test hooks', () => {
    expect(helmRelease([object('Pod', 'test', hook('test'))], 'install')).toEqual({ steps: [], skipped: ['Pod/test'], problems: [] });
  });
});

describe('what a pod needs', () => {
  it('lists the account, claims, Secrets and ConfigMaps it cannot start without, optional ones left out', () => {
    const o = object('Pod', 'p', undefined, {
      spec: {
        serviceAccountName: 'default',
        volumes: [
          { name: 'a', secret: { secretName: 's1', items: [{ key: 'k', path: 'k' }] } },
          { name: 'b', configMap: { name: 'c1', optional: true } },
          { name: 'c', projected: { sources: [{ configMap: { name: 'c2' } }] } },
          { name: 'd', emptyDir: {} },
        ],
        initContainers: [{ name: 'init', image: 'x', env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'c3', key: 'v' } } }] }],
        containers: [{ name: 'main', image: 'x', envFrom: [{ configMapRef: { name: 'c4', optional: true } }] }],
      },
    });
    expect(podNeeds(o).map((n) => `${n.kind}/${n.name}${n.key ? `:${n.key}` : ''}`)).toEqual([
      'Secret/s1',
      'Secret/s1:k',
      'ConfigMap/c2',
      'ConfigMap/c3:v',
    ]);
  });
});
