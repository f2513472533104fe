// Pod Security Standards: the good fixture passes restricted; every control is shown to fail on a
// known-bad pod, naming the control and the container, for init containers as well.
import { find, good, manifest, set } from './fixtures';
import { parseKubeVersion } from './kube-version';
import { checks, podSecurityViolations, PssLevel } from './pod-security';
import type { KubeObject } from './objects';
import { pssControls } from './rules';
import type { Violation } from './violations';

const v135 = parseKubeVersion('1.35');

function evaluate(edit: (deployment: KubeObject) => void, level: PssLevel, target = v135): Violation[] {
  const objects = good();
  edit(find(objects, 'Deployment'));
  return podSecurityViolations(objects, level, target);
}

const spec = 'spec.template.spec';
const web = `${spec}.containers.0`;
const init = `${spec}.initContainers.0`;
// The same places as JSON paths, as violations report them.
const S = '.spec.template.spec';
const W = `${S}.containers[0]`;
const I = `${S}.initContainers[0]`;

it('passes the good fixture at both levels', () => {
  expect(podSecurityViolations(good(), 'baseline', v135)).toEqual([]);
  expect(podSecurityViolations(good(), 'restricted', v135)).toEqual([]);
});

describe('baseline controls (also enforced by restricted)', () => {
  const cases: Array<[string, (d: KubeObject) => void, string, RegExp]> = [
    [
      'hostProcess',
      (d) => set(d, `${web}.securityContext.windowsOptions`, { hostProcess: true }),
      `${W}.securityContext.windowsOptions.hostProcess`,
      /container "web" sets windowsOptions.hostProcess/,
    ],
    ['hostNamespaces', (d) => set(d, `${spec}.hostNetwork`, true), `${S}.hostNetwork`, /hostNetwork: true/],
    [
      'privileged',
      (d) => set(d, `${init}.securityContext.privileged`, true),
      `${I}.securityContext.privileged`,
      /init container "wait" is privileged/,
    ],
    [
      'capabilities',
      (d) => set(d, `${web}.securityContext.capabilities.add`, ['NET_ADMIN']),
      `${W}.securityContext.capabilities.add`,
      /adds capabilities NET_ADMIN beyond the baseline set/,
    ],
    [
      'hostPathVolumes',
      (d) => set(d, `${spec}.volumes.1`, { name: 'tmp', hostPath: { path: '/tmp' } }),
      `${S}.volumes[1].hostPath`,
      /volume "tmp" is a hostPath volume/,
    ],
    ['hostPorts', (d) => set(d, `${web}.ports.0.hostPort`, 8080), `${W}.ports[0].hostPort`, /binds host port 8080/],
    [
      'hostProbesAndLifecycle',
      (d) => set(d, `${web}.readinessProbe.httpGet.host`, '10.0.0.1'),
      `${W}.readinessProbe.httpGet.host`,
      /points readinessProbe at host "10.0.0.1"/,
    ],
    [
      'appArmor',
      (d) => set(d, `${init}.securityContext.appArmorProfile`, { type: 'Unconfined' }),
      `${I}.securityContext.appArmorProfile.type`,
      /sets AppArmor profile Unconfined/,
    ],
    [
      'appArmor',
      (d) => set(d, ['spec', 'template', 'metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/web'], 'unconfined'),
      `.spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]`,
      /disables AppArmor/,
    ],
    [
      'seLinux',
      (d) => set(d, `${spec}.securityContext.seLinuxOptions`, { type: 'spc_t' }),
      `${S}.securityContext.seLinuxOptions.type`,
      /SELinux type spc_t/,
    ],
    [
      'seLinux',
      (d) => set(d, `${web}.securityContext.seLinuxOptions`, { user: 'system_u' }),
      `${W}.securityContext.seLinuxOptions.user`,
      /SELinux user/,
    ],
    ['procMount', (d) => set(d, `${web}.securityContext.procMount`, 'Unmasked'), `${W}.securityContext.procMount`, /procMount Unmasked/],
    [
      'seccomp',
      (d) => set(d, `${init}.securityContext.seccompProfile`, { type: 'Unconfined' }),
      `${I}.securityContext.seccompProfile.type`,
      /init container "wait" runs seccomp Unconfined/,
    ],
    [
      'sysctls',
      (d) => set(d, `${spec}.securityContext.sysctls`, [{ name: 'kernel.msgmax', value: '1' }]),
      `${S}.securityContext.sysctls[0].name`,
      /sysctl kernel.msgmax is not in the safe set/,
    ],
  ];
  it.each(cases)('%s: rejects a violating pod', (control, edit, path, message) => {
    for (const level of ['baseline', 'restricted'] as const) {
      const violations = evaluate(edit, level).filter((v) => v.rule === `pss-baseline/${control}`);
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({ object: 'Deployment/app', path });
      expect(violations[0]?.message).toMatch(message);
    }
    // A baseline violation and nothing else under baseline.
    expect(evaluate(edit, 'baseline').map((v) => v.rule)).toEqual([`pss-baseline/${control}`]);
  });

  it('covers every baseline control of the page', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(checks.filter((c) => pssControls[c.id].level === 'baseline').map((c) => c.id)));
  });

  it('follows the target version: sysctls, SELinux types, probe hosts', () => {
    const keepalive = (d: KubeObject) => set(d, `${spec}.securityContext.sysctls`, [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }]);
    expect(evaluate(keepalive, 'baseline', parseKubeVersion('1.28'))).toHaveLength(1);
    expect(evaluate(keepalive, 'baseline', parseKubeVersion('1.29'))).toEqual([]);
    const engine = (d: KubeObject) => set(d, `${web}.securityContext.seLinuxOptions`, { type: 'container_engine_t' });
    expect(evaluate(engine, 'baseline', parseKubeVersion('1.30'))).toHaveLength(1);
    expect(evaluate(engine, 'baseline', parseKubeVersion('1.31'))).toEqual([]);
    const probeHost = (d: KubeObject) => set(d, `${web}.livenessProbe.tcpSocket.host`, 'example.com');
    expect(evaluate(probeHost, 'baseline', parseKubeVersion('1.33'))).toEqual([]);
    expect(evaluate(probeHost, 'baseline', parseKubeVersion('1.34'))).toHaveLength(1);
  });
});

describe('restricted controls', () => {
  const cases: Array<[string, (d: KubeObject) => void, string, RegExp]> = [
    [
      'volumeTypes',
      (d) => set(d, `${spec}.volumes.1`, { name: 'tmp', nfs: { server: 'nfs.example', path: '/x' } }),
      `${S}.volumes[1].nfs`,
      /volume "tmp" is of type nfs/,
    ],
    [
      'allowPrivilegeEscalation',
      (d) => set(d, `${init}.securityContext.allowPrivilegeEscalation`, undefined),
      `${I}.securityContext.allowPrivilegeEscalation`,
      /init container "wait" must set securityContext.allowPrivilegeEscalation: false/,
    ],
    [
      'runAsNonRoot',
      (d) => set(d, `${spec}.securityContext.runAsNonRoot`, undefined),
      `${I}.securityContext.runAsNonRoot`,
      /init container "wait" must run as non-root/,
    ],
    [
      'runAsUser',
      (d) => set(d, `${web}.securityContext.runAsUser`, 0),
      `${W}.securityContext.runAsUser`,
      /container "web" sets runAsUser: 0/,
    ],
    [
      'seccompProfile',
      (d) => set(d, `${spec}.securityContext.seccompProfile`, undefined),
      `${I}.securityContext.seccompProfile.type`,
      /init container "wait" needs seccompProfile.type RuntimeDefault/,
    ],
    [
      'capabilitiesRestricted',
      (d) => set(d, `${web}.securityContext.capabilities`, { drop: ['NET_RAW'] }),
      `${W}.securityContext.capabilities.drop`,
      /container "web" must drop all capabilities/,
    ],
  ];
  it.each(cases)('%s: rejects under restricted, not under baseline', (control, edit, path, message) => {
    const violations = evaluate(edit, 'restricted');
    expect(violations.every((v) => v.rule === `pss-restricted/${control}`)).toBe(true);
    expect(violations[0]).toMatchObject({ object: 'Deployment/app', path });
    expect(violations[0]?.message).toMatch(message);
    expect(evaluate(edit, 'baseline')).toEqual([]);
  });

  it('covers every restricted control of the page', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(
      new Set(checks.filter((c) => pssControls[c.id].level === 'restricted').map((c) => c.id)),
    );
  });

  it('names each container that lacks runAsNonRoot when the pod does not set it', () => {
    const violations = evaluate((d) => set(d, `${spec}.securityContext.runAsNonRoot`, undefined), 'restricted');
    expect(violations.map((v) => v.path)).toEqual([`${I}.securityContext.runAsNonRoot`, `${W}.securityContext.runAsNonRoot`]);
  });

  it('lets a container override the pod: runAsNonRoot false fails, a container-level true passes', () => {
    expect(evaluate((d) => set(d, `${web}.securityContext.runAsNonRoot`, false), 'restricted').map((v) => v.message)).toEqual([
      'Pod Security "restricted": container "web" sets runAsNonRoot: false: set it to true',
    ]);
    expect(
      evaluate((d) => {
        set(d, `${spec}.securityContext.runAsNonRoot`, undefined);
        set(d, `${web}.securityContext.runAsNonRoot`, true);
        set(d, `${init}.securityContext.runAsNonRoot`, true);
      }, 'restricted'),
    ).toEqual([]);
  });

  it('allows adding NET_BIND_SERVICE only', () => {
    expect(evaluate((d) => set(d, `${web}.securityContext.capabilities.add`, ['NET_BIND_SERVICE']), 'restricted')).toEqual([]);
    expect(evaluate((d) => set(d, `${web}.securityContext.capabilities.add`, ['CHOWN']), 'restricted').map((v) => v.rule)).toEqual([
      'pss-restricted/capabilitiesRestricted',
    ]);
  });

  it('exempts Windows pods from the Linux-only controls', () => {
    const windows = (d: KubeObject) => {
      set(d, `${spec}.os`, { name: 'windows' });
      set(d, `${web}.securityContext`, { runAsNonRoot: true });
    };
    expect(evaluate(windows, 'restricted')).toEqual([]);
  });

  it('checks ephemeral containers and bare Pods too', () => {
    const pod = manifest(`
apiVersion: v1
kind: Pod
metadata: { name: debug }
spec:
  containers: [{ name: main, image: busybox:1.36 }]
  ephemeralContainers: [{ name: shell, image: busybox:1.36, securityContext: { privileged: true } }]
`);
    expect(podSecurityViolations([pod], 'baseline', v135).map((v) => [v.object, v.rule, v.path])).toEqual([
      ['Pod/debug', 'pss-baseline/privileged', '.spec.ephemeralContainers[0].securityContext.privileged'],
    ]);
  });
});
