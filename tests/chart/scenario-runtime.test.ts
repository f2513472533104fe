// Run-time properties every validated scenario must have (issue 13). One file, so that the
// scenarios are rendered once per worker for both checks.
// A namespace with a compute ResourceQuota and no LimitRange admits only pods whose every container,
// init containers included, declares the resources the quota counts. Every pod the chart renders
// (workloads, hooks, helm test pods) must carry requests for cpu and memory and a memory limit.
import type { K8sObject } from '../support/helm';
import { renderOk } from '../support/helm';
import { workloads } from '../support/objects';
import { containersOf, podTemplates } from '../validator/pods';
import { scenarios } from './scenarios';

/** `Kind/name init container "x" lacks requests.cpu`, one line per missing resource. */
export function quotaGaps(objects: readonly K8sObject[]): string[] {
  const gaps: string[] = [];
  for (const pod of podTemplates(objects)) {
    for (const at of containersOf(pod)) {
      const { requests = {}, limits = {} } = at.container.resources ?? {};
      const missing = [
        ...(requests.cpu === undefined ? ['requests.cpu'] : []),
        ...(requests.memory === undefined ? ['requests.memory'] : []),
        ...(limits.memory === undefined ? ['limits.memory'] : []),
      ];
      if (missing.length > 0) gaps.push(`${pod.object} ${at.label} lacks ${missing.join(', ')}`);
    }
  }
  return gaps;
}

describe('resources for a namespace with a compute ResourceQuota', () => {
  it.each(scenarios().map((s) => [s.name, s.options] as const))('are declared by every container in the scenario %s', async (_name, options) => {
    expect(quotaGaps(await renderOk(options))).toEqual([]);
  });

  it('come from initContainers.resources for the init containers', async () => {
    const resources = { requests: { cpu: '20m', memory: '24Mi' }, limits: { memory: '48Mi' } };
    const objects = await renderOk({ valuesFiles: ['minikube.yaml'], values: { initContainers: { resources } } });
    const inits = podTemplates(objects).flatMap((p) => (p.spec.initContainers ?? []).map((c) => [c.name, c.resources]));
    expect(inits.map(([name]) => name)).toEqual(expect.arrayContaining(['wait-for-database', 'volume-permissions', 'major-version-guard', 'previous-server-guard']));
    for (const [, declared] of inits) expect(declared).toEqual(resources);
  });

  it('the check names a container that lacks them (negative control)', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: { initContainers: [{ name: 'init', image: 'x:1', resources: { requests: { cpu: '10m' } } }], containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } } }] },
    } as K8sObject;
    expect(quotaGaps([pod])).toEqual(['Pod/p init container "init" lacks requests.memory, limits.memory']);
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
