// OpenShift: the restricted-v2 SCC assigns each pod a UID from the namespace's range and rejects
// fixed runAsUser, runAsGroup and fsGroup; with that arbitrary UID, libpq has no OS user name to send,
// so every pg_isready names its user; OpenShift's DNS pods listen on 5353 behind the Service's 53.
import type { IContainer } from 'kubernetes-models/v1/Container';
import { K8sObject, PartialValues, renderOk, RenderOptions } from '../support/helm';
import { ofKind } from '../support/objects';
import { containersOf, podTemplates } from '../validator/pods';

const OPENSHIFT = ['security.openshift.io/v1'];
/** Values that render every kind of pod the chart has: workloads, backup CronJob and hook, test pods. */
const everyPod: PartialValues = { backup: { enabled: true }, databaseAlias: { enabled: true }, networkPolicy: { restrictEgress: true } };

/** `Kind/name path field=value` for every fixed UID, GID or fsGroup in the pods. */
export function fixedIds(objects: readonly K8sObject[]): string[] {
  const found: string[] = [];
  for (const pod of podTemplates(objects)) {
    const contexts: [string, Record<string, unknown> | undefined][] = [
      ['pod', pod.spec.securityContext as Record<string, unknown> | undefined],
      ...containersOf(pod).map((at): [string, Record<string, unknown> | undefined] => [at.label, at.container.securityContext as Record<string, unknown> | undefined]),
    ];
    for (const [where, context] of contexts) {
      for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) {
        if (context?.[field] !== undefined) found.push(`${pod.object} ${where} ${field}=${String(context[field])}`);
      }
    }
  }
  return found;
}

/** Containers that run pg_isready without naming a user (no -U/--username, no PGUSER variable). */
export function anonymousPgIsready(objects: readonly K8sObject[]): string[] {
  // The container's own command and its probes' commands.
  const names = (c: IContainer) => [c.command, c.args, ...[c.startupProbe, c.readinessProbe, c.livenessProbe].map((p) => p?.exec?.command)]
    .flatMap((list) => list ?? []).join('\n');
  return podTemplates(objects).flatMap((pod) => containersOf(pod)
    .filter((at) => names(at.container).split(/\n|;|&&|\|\|/).some((part) => /\bpg_isready\b/.test(part) && !/(\s-U\s|--username[= ])/.test(part)))
    .filter((at) => !(at.container.env ?? []).some((e) => e.name === 'PGUSER'))
    .map((at) => `${pod.object} ${at.label}`));
}

const render = (options: RenderOptions) => renderOk({ ...options, values: { ...everyPod, ...options.values } });

describe('on OpenShift (the cluster serves security.openshift.io/v1)', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await render({ apiVersions: OPENSHIFT });
  });

  it('no pod sets a fixed UID, GID or fsGroup: the SCC assigns them', () => {
    expect(podTemplates(objects).length).toBeGreaterThanOrEqual(5);
    expect(fixedIds(objects)).toEqual([]);
  });

  it('keeps the rest of the security contexts: non-root, no privilege escalation, all capabilities dropped', () => {
    const server = podTemplates(objects).find((p) => p.owner.kind === 'StatefulSet');
    expect(server?.spec.containers[0]?.securityContext).toEqual({
      runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
    expect(server?.spec.securityContext).toEqual(expect.objectContaining({ seccompProfile: { type: 'RuntimeDefault' } }));
  });

  it('allows DNS on 5353 as well as 53 in both egress policies', () => {
    for (const policy of ofKind(objects, 'NetworkPolicy')) {
      const dns = policy.spec?.egress?.find((rule) => rule.to === undefined);
      expect(dns?.ports).toEqual([
        { port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 5353, protocol: 'UDP' }, { port: 5353, protocol: 'TCP' },
      ]);
    }
  });
});

describe('fixed IDs elsewhere, and openshift.fixedIds', () => {
  it('keeps UID 999 and fsGroup 999 where the API is not served (auto)', async () => {
    expect(fixedIds(await render({}))).toEqual(expect.arrayContaining([
      'StatefulSet/squash-squash-tm-postgresql pod fsGroup=999',
      'StatefulSet/squash-squash-tm-postgresql container "postgresql" runAsUser=999',
      'Deployment/squash-squash-tm init container "wait-for-database" runAsUser=999',
    ]));
  });

  it('leaves them out with omit, and keeps them with keep even on OpenShift', async () => {
    const [omitted, kept] = await Promise.all([
      render({ values: { openshift: { fixedIds: 'omit' } } }),
      render({ apiVersions: OPENSHIFT, values: { openshift: { fixedIds: 'keep' } } }),
    ]);
    expect(fixedIds(omitted)).toEqual([]);
    expect(fixedIds(kept).length).toBeGreaterThan(5);
  });

  it('finds a fixed ID in a security context (negative control)', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { securityContext: { fsGroup: 1 }, containers: [{ name: 'c', image: 'x:1', securityContext: { runAsUser: 5 } }] } } as K8sObject;
    expect(fixedIds([pod])).toEqual(['Pod/p pod fsGroup=1', 'Pod/p container "c" runAsUser=5']);
  });
});

describe('pg_isready', () => {
  it('names its user in every container that runs it', async () => {
    const objects = await render({ apiVersions: OPENSHIFT });
    // The server's probes, wait-for-database, the previous-server guard, both helm test pods.
    const runners = podTemplates(objects).flatMap((p) => containersOf(p)).filter((at) => /pg_isready/.test(JSON.stringify(at.container)));
    expect(runners.length).toBeGreaterThanOrEqual(5);
    expect(anonymousPgIsready(objects)).toEqual([]);
  });

  it('the check names a container whose pg_isready sends no user (negative control)', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [
      { name: 'bare', image: 'x:1', command: ['sh', '-c', 'until pg_isready -h db -t 2; do sleep 2; done'] },
      { name: 'named', image: 'x:1', command: ['sh', '-c', 'pg_isready -h db -U squash'] },
      { name: 'probed', image: 'x:1', readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1'] } } },
    ] } } as K8sObject;
    expect(anonymousPgIsready([pod])).toEqual(['Pod/p container "bare"', 'Pod/p container "probed"']);
  });
});
