import { renderOk } from '../support/helm';
import { canIAnswer, canIArgs, Permission, preflightReport, requiredPermissions } from './preflight';

const NS = 'squash-e2e-x';
const find = (permissions: Permission[], verb: string, resource: string) =>
  permissions.find((p) => p.verb === verb && p.resource === resource);

describe('the permissions the harness asks for', () => {
  it('with values/minikube.yaml: every kind the chart renders, the static PV cluster-wide, and what the harness does itself', async () => {
    const { permissions, unknownKinds } = requiredPermissions(await renderOk({ valuesFiles: ['minikube.yaml'] }));
    expect(unknownKinds).toEqual([]);
    for (const resource of [
      'statefulsets.apps',
      'deployments.apps',
      'persistentvolumeclaims',
      'services',
      'jobs.batch',
      'pods',
      'roles.rbac.authorization.k8s.io',
    ]) {
      expect(find(permissions, 'create', resource)).toMatchObject({ clusterScoped: false });
    }
    for (const [verb, resource] of [
      ['create', 'persistentvolumes'],
      ['delete', 'persistentvolumes'],
      ['list', 'nodes'],
      ['create', 'namespaces'],
      ['patch', 'namespaces'],
    ]) {
      expect(find(permissions, verb!, resource!)).toMatchObject({ clusterScoped: true });
    }
    expect(find(permissions, 'create', 'pods/exec')?.optional).toBeUndefined();
    expect(find(permissions, 'create', 'pods/portforward')?.optional).toBe(true);
    // One question per verb and resource.
    const keys = permissions.map((p) => `${p.verb} ${p.resource}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('without hostPath: no PV to create, list or delete', async () => {
    const { permissions } = requiredPermissions(await renderOk({}));
    expect(permissions.filter((p) => p.resource === 'persistentvolumes')).toEqual([]);
  });

  it('names a kind it cannot map instead of skipping it silently', () => {
    const { unknownKinds } = requiredPermissions([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    expect(unknownKinds).toEqual(['Widget']);
  });

  // The can-i arguments for a permission; its reason plays no part in them.
  const clusterWide = (verb: string, resource: string) => canIArgs({ verb, resource, clusterScoped: true, why: '' }, NS);
  const namespaced = (verb: string, resource: string) => canIArgs({ verb, resource, clusterScoped: false, why: '' }, NS);

  it('asks cluster-scoped questions cluster-wide and namespaced ones in the test namespace', () => {
    expect(clusterWide('list', 'nodes')).toEqual(['auth', 'can-i', 'list', 'nodes', '--all-namespaces']);
    expect(namespaced('create', 'deployments.apps')).toEqual(['auth', 'can-i', 'create', 'deployments.apps', '--namespace', NS]);
  });

  it('asks for a subresource with --subresource: can-i would read pods/exec as the pod named "exec"', () => {
    expect(namespaced('create', 'pods/exec')).toEqual(['auth', 'can-i', 'create', 'pods', '--subresource=exec', '--namespace', NS]);
  });
});

describe("kubectl auth can-i's answers", () => {
  it('reads yes, no, and an error', () => {
    expect(canIAnswer({ ok: true, stdout: 'yes\n', stderr: '' })).toBe('yes');
    expect(canIAnswer({ ok: false, stdout: 'no\n', stderr: '' })).toBe('no');
    expect(canIAnswer({ ok: false, stdout: 'no - RBAC: clusterrole.rbac.authorization.k8s.io "view" not found\n', stderr: '' })).toBe('no');
    expect(canIAnswer({ ok: false, stdout: '', stderr: 'error: You must be logged in to the server (Unauthorized)\n' })).toEqual({
      error: 'error: You must be logged in to the server (Unauthorized)',
    });
  });
});

describe('the preflight report', () => {
  const exec: Permission = { verb: 'create', resource: 'pods/exec', clusterScoped: false, why: 'psql in the PostgreSQL pod' };
  const nodes: Permission = { verb: 'list', resource: 'nodes', clusterScoped: true, why: 'node addresses' };
  const forward: Permission = { verb: 'create', resource: 'pods/portforward', clusterScoped: false, why: 'port-forward', optional: true };

  it('passes when everything is granted, in one line', () => {
    expect(preflightReport([{ permission: exec, answer: 'yes' }], NS, [])).toEqual({
      ok: true,
      lines: ['preflight: 1 of 1 permissions granted (kubectl auth can-i)'],
    });
  });

  it('fails with one line per missing permission, where and why; an optional one only warns', () => {
    const report = preflightReport(
      [
        { permission: exec, answer: 'no' },
        { permission: nodes, answer: 'no' },
        { permission: forward, answer: 'no' },
      ],
      NS,
      [],
    );
    expect(report).toEqual({
      ok: false,
      lines: [
        'preflight: 0 of 3 permissions granted (kubectl auth can-i)',
        `missing permission: cannot create pods/exec in namespace ${NS}: psql in the PostgreSQL pod`,
        'missing permission: cannot list nodes cluster-wide: node addresses',
        `warning, permission: cannot create pods/portforward in namespace ${NS}: port-forward`,
      ],
    });
    expect(preflightReport([{ permission: forward, answer: 'no' }], NS, []).ok).toBe(true);
  });

  it('does not fail on a question it could not ask, but says so', () => {
    const report = preflightReport([{ permission: exec, answer: { error: 'the server was unable to return a response' } }], NS, ['Widget']);
    expect(report.ok).toBe(true);
    expect(report.lines.slice(1)).toEqual([
      `could not check: create pods/exec in namespace ${NS} (the server was unable to return a response)`,
      'not checked: the chart renders a Widget, whose resource name the preflight does not know',
    ]);
  });
});
