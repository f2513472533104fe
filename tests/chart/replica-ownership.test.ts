// Helm 4 applies server-side: a field the chart renders is owned by Helm, and after
// `kubectl scale` (which the restore procedure does to Squash TM) the next `helm upgrade` fails with
// a field-manager conflict. Helm 3 would instead reset the count. The chart renders no `replicas`:
// the API's default (1) applies at creation, and a scale made by hand or by the restore procedure
// stays until it is undone the same way.
import { renderOk } from '../support/helm';
import { workloads } from '../support/objects';
import { scenarios } from './scenarios';

describe('replica counts', () => {
  it.each(scenarios().map((s) => [s.name, s.options] as const))('are left to the API default in the scenario %s', async (_name, options) => {
    const found = workloads(await renderOk(options)).map((w) => [`${w.kind}/${w.metadata.name}`, w.spec && 'replicas' in w.spec ? w.spec.replicas : 'absent']);
    expect(found.length).toBeGreaterThan(0);
    for (const [, replicas] of found) expect(replicas).toBe('absent');
  });
});
