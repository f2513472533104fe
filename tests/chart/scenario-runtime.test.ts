// Run-time properties every validated scenario must have (issue 13). One file, so that the
// scenarios are rendered once per worker for both checks.
// A namespace with a compute ResourceQuota (requests and limits of cpu and memory) and no LimitRange
// admits only pods whose every container, init containers included, declares all four: every pod the
// chart renders (workloads, hooks, helm test pods) must (tests/chart/quota-admission.ts).
import type { K8sObject } from '../support/helm';
import { render, renderOk } from '../support/helm';
import { workloads } from '../support/objects';
import { podTemplates } from '../validator/pods';
import { quotaAdmissionGaps } from './quota-admission';
import { scenarios } from './scenarios';

describe('resources for a namespace with a compute ResourceQuota', () => {
  it.each(scenarios().map((s) => [s.name, s.options] as const))('are declared by every container in the scenario %s', async (_name, options) => {
    const objects = await renderOk(options);
    expect(podTemplates(objects).length).toBeGreaterThan(0);
    expect(quotaAdmissionGaps(objects)).toEqual([]);
  });

  it('come from initContainers.resources for the init containers', async () => {
    const resources = { requests: { cpu: '20m', memory: '24Mi' }, limits: { cpu: '50m', memory: '48Mi' } };
    const objects = await renderOk({ valuesFiles: ['minikube.yaml'], values: { initContainers: { resources } } });
    const inits = podTemplates(objects).flatMap((p) => (p.spec.initContainers ?? []).map((c) => [c.name, c.resources]));
    expect(inits.map(([name]) => name)).toEqual(expect.arrayContaining(['wait-for-database', 'volume-permissions', 'major-version-guard', 'previous-server-guard']));
    for (const [, declared] of inits) expect(declared).toEqual(resources);
  });

  it('come from tests.resources for every helm test pod', async () => {
    const resources = { requests: { cpu: '20m', memory: '40Mi' }, limits: { cpu: '300m', memory: '80Mi' } };
    const objects = await renderOk({ values: { databaseAlias: { enabled: true }, tests: { resources } } });
    const tests = podTemplates(objects).filter((p) => p.metadata.annotations?.['helm.sh/hook'] === 'test' || p.owner.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(tests.map((p) => p.object).sort()).toEqual(['Pod/squash-squash-tm-test-alias', 'Pod/squash-squash-tm-test-db', 'Pod/squash-squash-tm-test-http']);
    for (const pod of tests) for (const c of pod.spec.containers) expect(c.resources).toEqual(resources);
  });

  it('refuses tests.resources with a request above its limit, naming the key', async () => {
    const rendering = await render({ values: { tests: { resources: { requests: { cpu: '500m' } } } } });
    expect(rendering.ok ? '' : rendering.error).toContain('tests.resources.requests.cpu 500m is above tests.resources.limits.cpu 200m');
  });

  it('the check names a container that lacks any of the four (negative control)', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'init', image: 'x:1', resources: { requests: { cpu: '10m' } } }],
        containers: [
          { name: 'c', image: 'x:1', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } } },
          { name: 'd', image: 'x:1', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
        ],
      },
    } as K8sObject;
    expect(quotaAdmissionGaps([pod])).toEqual([
      'Pod/p init container "init" lacks requests.memory, limits.cpu, limits.memory',
      'Pod/p container "c" lacks limits.cpu',
    ]);
    const job = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'j' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'x', image: 'x:1' }] } } } } } } as K8sObject;
    expect(quotaAdmissionGaps([job])).toEqual(['CronJob/j container "x" lacks requests.cpu, requests.memory, limits.cpu, limits.memory']);
  });
});

// Helm 4 applies server-side: a field the chart renders is owned by Helm, and after
// `kubectl scale` (which the restore procedure does to Squash TM) the next `helm upgrade` fails with
// a field-manager conflict. Helm 3 would instead reset the count. The chart renders no `replicas`:
// the API's default (1) applies at creation, and a scale made by hand or by the restore procedure
// stays until it is undone the same way.
/** `Kind/name replicas=N` for every workload that renders a replica count. */
export const renderedReplicas = (objects: readonly K8sObject[]): string[] =>
  workloads(objects).filter((w) => w.spec && 'replicas' in w.spec).map((w) => `${w.kind}/${w.metadata.name} replicas=${String(w.spec?.replicas)}`);

describe('replica counts', () => {
  it.each(scenarios().map((s) => [s.name, s.options] as const))('are left to the API default in the scenario %s', async (_name, options) => {
    const objects = await renderOk(options);
    expect(workloads(objects).length).toBeGreaterThan(0);
    expect(renderedReplicas(objects)).toEqual([]);
  });

  it('the check names a workload that renders one (negative control)', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1, selector: {}, template: {} } } as K8sObject;
    expect(renderedReplicas([deployment])).toEqual(['Deployment/d replicas=1']);
  });
});
