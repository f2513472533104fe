// The options users need beyond minikube: exposure, isolation, identity, plugins, JVM and time zone.
import { K8sObject, PartialValues, render, renderOk } from '../support/helm';
import { componentOf, envValue, mainContainer, ofKind, one, workloadOf } from '../support/objects';

const networkPolicies = (objects: K8sObject[]) => ofKind(objects, 'NetworkPolicy');
const policyOf = (objects: K8sObject[], component: string) => {
  const found = networkPolicies(objects).filter((p) => componentOf(p) === component);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('Ingress', () => {
  it('routes the /squash context path of every host to the Squash TM Service, with TLS when a secret is named', async () => {
    const objects = await renderOk({
      values: { squash: { ingress: { enabled: true, className: 'nginx', hosts: ['a.example.com', 'b.example.com'], tlsSecret: 'tls' } } },
    });
    const ingress = ofKind(objects, 'Ingress')[0]!;
    const service = one(objects, 'Service', 'squash');
    expect(ingress.spec?.ingressClassName).toBe('nginx');
    expect(ingress.spec?.tls).toEqual([{ secretName: 'tls', hosts: ['a.example.com', 'b.example.com'] }]);
    expect(ingress.spec?.rules?.map((r) => r.host)).toEqual(['a.example.com', 'b.example.com']);
    for (const rule of ingress.spec?.rules ?? []) {
      expect(rule.http?.paths).toEqual([
        { path: '/squash', pathType: 'Prefix', backend: { service: { name: service.metadata?.name, port: { name: 'http' } } } },
      ]);
    }
  });

  it('is absent by default', async () => {
    expect((await renderOk()).filter((o) => o.kind === 'Ingress')).toEqual([]);
  });
});

describe('LoadBalancer', () => {
  it('passes the client source ranges', async () => {
    const service = one(
      await renderOk({ values: { squash: { service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] } } } }),
      'Service',
      'squash',
    );
    expect(service.spec?.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
  });

  it('refuses source ranges on a NodePort Service, naming the keys', async () => {
    const rendering = await render({ values: { squash: { service: { loadBalancerSourceRanges: ['203.0.113.0/24'] } } } });
    expect(rendering.ok).toBe(false);
    if (!rendering.ok) expect(rendering.error).toContain('squash.service.loadBalancerSourceRanges');
  });
});

describe('NetworkPolicy', () => {
  it('by default lets only Squash TM, the backup and test pods and PostgreSQL\'s own guard reach PostgreSQL on its port', async () => {
    const objects = await renderOk();
    const policy = policyOf(objects, 'postgresql');
    const postgres = one(objects, 'StatefulSet', 'postgresql');
    expect(policy.spec?.podSelector).toEqual({ matchLabels: postgres.spec?.selector.matchLabels });
    expect(policy.spec?.policyTypes).toEqual(['Ingress']);
    const [rule] = policy.spec?.ingress ?? [];
    const squashLabels = one(objects, 'Deployment', 'squash').spec?.template.metadata?.labels ?? {};
    const from = rule?.from?.[0]?.podSelector;
    for (const [key, value] of Object.entries(from?.matchLabels ?? {})) expect(squashLabels[key]).toBe(value);
    expect(from?.matchExpressions).toEqual([{ key: 'app.kubernetes.io/component', operator: 'In', values: ['squash', 'test', 'backup', 'postgresql'] }]);
    expect(rule?.ports).toEqual([{ port: 'postgresql', protocol: 'TCP' }]);
  });

  it('lets anyone reach Squash TM on its HTTP port only', async () => {
    const policy = policyOf(await renderOk(), 'squash');
    expect(policy.spec?.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
  });

  it('with restrictEgress, lets Squash TM resolve names and reach its database, and PostgreSQL resolve names and ask its own pods', async () => {
    const objects = await renderOk({ values: { networkPolicy: { restrictEgress: true } } });
    const squash = policyOf(objects, 'squash');
    expect(squash.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(squash.spec?.egress?.[1]?.to?.[0]?.podSelector?.matchLabels).toEqual(
      one(objects, 'StatefulSet', 'postgresql').spec?.selector.matchLabels,
    );
    const [dns, guard] = policyOf(objects, 'postgresql').spec?.egress ?? [];
    expect(dns?.to).toBeUndefined();
    expect(dns?.ports?.map((p) => p.port)).toEqual([53, 53, 5353, 5353]);
    // The previous-server guard asks the release's PostgreSQL pods, and nothing else, whether a server answers.
    expect(guard).toEqual({
      to: [{ podSelector: { matchLabels: one(objects, 'StatefulSet', 'postgresql').spec?.selector.matchLabels } }],
      ports: [{ port: 'postgresql', protocol: 'TCP' }],
    });
  });

  it('with an external database, opens its port to any destination', async () => {
    const objects = await renderOk({
      values: {
        networkPolicy: { restrictEgress: true },
        postgresql: { enabled: false },
        externalDatabase: { host: 'db.example.internal', port: 6432 },
        auth: { existingSecret: 'ext' },
      },
    });
    expect(networkPolicies(objects).map(componentOf)).toEqual(['clients', 'squash']);
    expect(policyOf(objects, 'squash').spec?.egress?.[1]).toEqual({ ports: [{ port: 6432, protocol: 'TCP' }] });
    expect(policyOf(objects, 'clients').spec?.egress?.[1]).toEqual({ ports: [{ port: 6432, protocol: 'TCP' }] });
  });

  it('can be switched off', async () => {
    expect(networkPolicies(await renderOk({ values: { networkPolicy: { enabled: false } } }))).toEqual([]);
  });
});

describe('pod identity and images', () => {
  it('runs both pods under a created ServiceAccount whose token is not mounted, and pulls with the given secrets', async () => {
    const objects = await renderOk({ values: { serviceAccount: { create: true }, imagePullSecrets: ['regcred'] } });
    const account = objects.find((o) => o.kind === 'ServiceAccount');
    expect(account?.automountServiceAccountToken).toBe(false);
    for (const component of ['postgresql', 'squash']) {
      const pod = workloadOf(objects, component).spec?.template.spec;
      expect(pod?.serviceAccountName).toBe(account?.metadata.name);
      expect(pod?.automountServiceAccountToken).toBe(false);
      expect(pod?.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    }
  });

  it('schedules each pod with its own node selector, tolerations, affinity and priority class', async () => {
    const scheduling = (n: number): PartialValues['squash'] => ({
      nodeSelector: { 'disk': `ssd-${n}` },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: `team-${n}`, effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: n, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: [`z${n}`] }] } }] } },
      priorityClassName: `priority-${n}`,
    });
    const objects = await renderOk({ values: { postgresql: scheduling(1), squash: scheduling(2) } });
    for (const [component, n] of [['postgresql', 1], ['squash', 2]] as const) {
      const pod = workloadOf(objects, component).spec?.template.spec;
      expect({ nodeSelector: pod?.nodeSelector, tolerations: pod?.tolerations, affinity: pod?.affinity, priorityClassName: pod?.priorityClassName }).toEqual(scheduling(n));
    }
  });

  it('uses the namespace default ServiceAccount unless told otherwise (the secret-generator hook has its own)', async () => {
    const objects = await renderOk();
    expect(objects.filter((o) => o.kind === 'ServiceAccount').map(componentOf)).toEqual(['secret-generator']);
    expect(one(objects, 'Deployment', 'squash').spec?.template.spec?.serviceAccountName).toBeUndefined();
  });
});

describe('Squash TM settings', () => {
  it('appends JVM options and sets the time zone', async () => {
    const container = mainContainer(
      one(await renderOk({ values: { squash: { jvm: { options: '-Duser.language=fr' }, timezone: 'Europe/Paris' } } }), 'Deployment', 'squash'),
    );
    const flags = '-Xms128m -Xmx1996m -XX:MaxMetaspaceSize=256m -XX:ReservedCodeCacheSize=128m -Duser.language=fr';
    expect(envValue(container, 'SQUASH_JAVA_ARGS')).toBe(flags);
    expect(envValue(container, '_JAVA_OPTIONS')).toBe(flags);
    expect(envValue(container, 'TZ')).toBe('Europe/Paris');
  });

  it('mounts the licence and extra plugins file by file, so the shipped plugins stay visible', async () => {
    const deployment = one(
      await renderOk({
        values: {
          squash: {
            license: { existingSecret: 'squash-licence' },
            extraPlugins: [{ configMap: 'jira-plugin', key: 'jira.jar' }, { secret: 'private-plugins', key: 'x.jar' }],
          },
        },
      }),
      'Deployment',
      'squash',
    );
    const mounts = mainContainer(deployment).volumeMounts ?? [];
    const pluginMounts = mounts.filter((m) => m.mountPath.startsWith('/opt/squash-tm/plugins'));
    expect(pluginMounts.map((m) => [m.mountPath, m.subPath])).toEqual([
      ['/opt/squash-tm/plugins/license/squash-tm.lic', 'squash-tm.lic'],
      ['/opt/squash-tm/plugins/jira.jar', 'jira.jar'],
      ['/opt/squash-tm/plugins/x.jar', 'x.jar'],
    ]);
    const volumes = deployment.spec?.template.spec?.volumes ?? [];
    for (const mount of pluginMounts) expect(volumes.map((v) => v.name)).toContain(mount.name);
    expect(volumes.find((v) => v.name === 'plugin-0')?.configMap?.name).toBe('jira-plugin');
    expect(volumes.find((v) => v.name === 'plugin-1')?.secret?.secretName).toBe('private-plugins');
  });

  it('refuses an extra env var the chart already sets, naming it', async () => {
    const rendering = await render({ values: { squash: { extraEnv: [{ name: 'TZ', value: 'UTC' }] } } });
    expect(rendering.ok).toBe(false);
    if (!rendering.ok) expect(rendering.error).toContain('squash.extraEnv sets a variable the chart already sets');
  });
});

describe('rollouts', () => {
  it('changes only the Squash TM pod template when only a Squash TM setting changes', async () => {
    const password = { auth: { password: 'fake-test-password-not-secret' } };
    const [before, after] = await Promise.all([
      renderOk({ values: password }),
      renderOk({ values: { ...password, squash: { timezone: 'Europe/Paris' } } }),
    ]);
    const template = (objects: K8sObject[], component: string) => workloadOf(objects, component).spec?.template;
    expect(template(after, 'postgresql')).toEqual(template(before, 'postgresql'));
    expect(template(after, 'squash')).not.toEqual(template(before, 'squash'));
  });

  it('rolls Squash TM only when the password changes: PostgreSQL follows the Secret without a restart', async () => {
    const [a, b] = await Promise.all([
      renderOk({ values: { auth: { password: 'fake-password-one' } } }),
      renderOk({ values: { auth: { password: 'fake-password-two' } } }),
    ]);
    const checksum = (objects: K8sObject[], component: string) =>
      workloadOf(objects, component).spec?.template.metadata?.annotations?.['checksum/secret'];
    expect(checksum(a, 'squash')).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(a, 'squash')).not.toBe(checksum(b, 'squash'));
    expect(workloadOf(b, 'postgresql').spec?.template).toEqual(workloadOf(a, 'postgresql').spec?.template);
  });

  it('keeps pod templates free of chart-version labels, so a chart upgrade alone restarts nothing', async () => {
    for (const component of ['postgresql', 'squash']) {
      const labels = workloadOf(await renderOk(), component).spec?.template.metadata?.labels ?? {};
      expect(Object.keys(labels)).not.toContain('helm.sh/chart');
      expect(Object.keys(labels)).not.toContain('app.kubernetes.io/version');
    }
  });
});
