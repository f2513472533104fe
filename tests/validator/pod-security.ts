// The Kubernetes Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards),
// evaluated on every pod template of a rendering as the PodSecurity admission controller would for
// the target version. Every control of the page is here, for containers, initContainers and
// ephemeralContainers alike; a violation names the control, the container and the fix.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { atLeast, KubeVersion, newestKnown } from './kube-version';
import { ContainerAt, containersOf, PodTemplate, podTemplates } from './pods';
import type { KubeObject } from './objects';
import { PssControl, pssControls, pssRuleId, violation } from './rules';
import type { Segment, Violation } from './violations';

export type PssLevel = 'baseline' | 'restricted';

interface Check {
  /** The control; its level and description are registered in rules.ts (pssControls). */
  id: PssControl;
  run: (pod: PodTemplate, report: Report, target: KubeVersion) => void;
}

type Report = (path: Segment[], message: string) => void;

const podContext = (pod: PodTemplate): IPodSecurityContext => pod.spec.securityContext ?? {};
const context = (c: IContainer): ISecurityContext => c.securityContext ?? {};
const scPath = (at: ContainerAt, ...rest: Segment[]): Segment[] => [...at.path, 'securityContext', ...rest];
const podScPath = (pod: PodTemplate, ...rest: Segment[]): Segment[] => [...pod.path, 'spec', 'securityContext', ...rest];
const isWindows = (pod: PodTemplate): boolean => pod.spec.os?.name === 'windows';

const baselineCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const restrictedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

function safeSysctls(target: KubeVersion): Set<string> {
  const names = [
    'kernel.shm_rmid_forced',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.tcp_syncookies',
    'net.ipv4.ping_group_range',
    'net.ipv4.ip_unprivileged_port_start',
  ];
  if (atLeast(target, '1.27')) names.push('net.ipv4.ip_local_reserved_ports');
  if (atLeast(target, '1.29'))
    names.push('net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes');
  if (atLeast(target, '1.32')) names.push('net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem');
  return new Set(names);
}

export const checks: readonly Check[] = [
  {
    id: 'hostProcess',
    run(pod, report) {
      if (podContext(pod).windowsOptions?.hostProcess === true)
        report(podScPath(pod, 'windowsOptions', 'hostProcess'), 'the pod sets windowsOptions.hostProcess: true: remove it');
      for (const at of containersOf(pod)) {
        if (context(at.container).windowsOptions?.hostProcess === true)
          report(scPath(at, 'windowsOptions', 'hostProcess'), `${at.label} sets windowsOptions.hostProcess: true: remove it`);
      }
    },
  },
  {
    id: 'hostNamespaces',
    run(pod, report) {
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
        if (pod.spec[field] === true)
          report([...pod.path, 'spec', field], `the pod sets ${field}: true, sharing a host namespace: remove it`);
      }
    },
  },
  {
    id: 'privileged',
    run(pod, report) {
      for (const at of containersOf(pod)) {
        if (context(at.container).privileged === true)
          report(scPath(at, 'privileged'), `${at.label} is privileged: remove securityContext.privileged`);
      }
    },
  },
  {
    id: 'capabilities',
    run(pod, report) {
      for (const at of containersOf(pod)) {
        const extra = (context(at.container).capabilities?.add ?? []).filter((c) => !baselineCapabilities.has(c));
        if (extra.length > 0)
          report(scPath(at, 'capabilities', 'add'), `${at.label} adds capabilities ${extra.join(', ')} beyond the baseline set: drop them`);
      }
    },
  },
  {
    id: 'hostPathVolumes',
    run(pod, report) {
      (pod.spec.volumes ?? []).forEach((v, i) => {
        if (v.hostPath)
          report(
            [...pod.path, 'spec', 'volumes', i, 'hostPath'],
            `volume "${v.name}" is a hostPath volume: use a PersistentVolumeClaim (a hostPath PersistentVolume behind a claim is allowed)`,
          );
      });
    },
  },
  {
    id: 'hostPorts',
    run(pod, report) {
      for (const at of containersOf(pod)) {
        (at.container.ports ?? []).forEach((p, i) => {
          if (p.hostPort)
            report([...at.path, 'ports', i, 'hostPort'], `${at.label} binds host port ${p.hostPort}: expose it through a Service instead`);
        });
      }
    },
  },
  {
    id: 'hostProbesAndLifecycle',
    run(pod, report, target) {
      if (!atLeast(target, '1.34')) return;
      for (const at of containersOf(pod)) {
        const handlers: Array<[Segment[], { httpGet?: { host?: string }; tcpSocket?: { host?: string } } | undefined]> = [
          [['livenessProbe'], at.container.livenessProbe],
          [['readinessProbe'], at.container.readinessProbe],
          [['startupProbe'], at.container.startupProbe],
          [['lifecycle', 'postStart'], at.container.lifecycle?.postStart],
          [['lifecycle', 'preStop'], at.container.lifecycle?.preStop],
        ];
        for (const [where, handler] of handlers) {
          for (const kind of ['httpGet', 'tcpSocket'] as const) {
            const host = handler?.[kind]?.host;
            if (host)
              report(
                [...at.path, ...where, kind, 'host'],
                `${at.label} points ${where.join('.')} at host "${host}": drop host so the kubelet probes the pod itself`,
              );
          }
        }
      }
    },
  },
  {
    id: 'appArmor',
    run(pod, report) {
      const allowed = (type?: string) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
      if (!allowed(podContext(pod).appArmorProfile?.type))
        report(
          podScPath(pod, 'appArmorProfile', 'type'),
          `the pod sets AppArmor profile ${podContext(pod).appArmorProfile?.type}: use RuntimeDefault or Localhost`,
        );
      for (const at of containersOf(pod)) {
        const type = context(at.container).appArmorProfile?.type;
        if (!allowed(type))
          report(scPath(at, 'appArmorProfile', 'type'), `${at.label} sets AppArmor profile ${type}: use RuntimeDefault or Localhost`);
      }
      for (const [key, value] of Object.entries(pod.metadata.annotations ?? {})) {
        if (
          key.startsWith('container.apparmor.security.beta.kubernetes.io/') &&
          value !== 'runtime/default' &&
          !value.startsWith('localhost/')
        ) {
          report(
            [...pod.path, 'metadata', 'annotations', key],
            `annotation ${key}: ${value} disables AppArmor: use runtime/default or localhost/<profile>`,
          );
        }
      }
    },
  },
  {
    id: 'seLinux',
    run(pod, report, target) {
      const types = new Set([
        '',
        'container_t',
        'container_init_t',
        'container_kvm_t',
        ...(atLeast(target, '1.31') ? ['container_engine_t'] : []),
      ]);
      const check = (opts: ISecurityContext['seLinuxOptions'], path: Segment[], who: string) => {
        if (!opts) return;
        if (!types.has(opts.type ?? ''))
          report(
            [...path, 'type'],
            `${who} sets SELinux type ${opts.type}: use container_t, container_init_t or container_kvm_t, or leave it unset`,
          );
        if (opts.user) report([...path, 'user'], `${who} sets an SELinux user: remove it`);
        if (opts.role) report([...path, 'role'], `${who} sets an SELinux role: remove it`);
      };
      check(podContext(pod).seLinuxOptions, podScPath(pod, 'seLinuxOptions'), 'the pod');
      for (const at of containersOf(pod)) check(context(at.container).seLinuxOptions, scPath(at, 'seLinuxOptions'), at.label);
    },
  },
  {
    id: 'procMount',
    run(pod, report) {
      for (const at of containersOf(pod)) {
        const mount = context(at.container).procMount;
        if (mount !== undefined && mount !== 'Default')
          report(scPath(at, 'procMount'), `${at.label} sets procMount ${mount}: remove it (Default masks /proc)`);
      }
    },
  },
  {
    id: 'seccomp',
    run(pod, report) {
      if (podContext(pod).seccompProfile?.type === 'Unconfined')
        report(podScPath(pod, 'seccompProfile', 'type'), 'the pod runs seccomp Unconfined: use RuntimeDefault');
      for (const at of containersOf(pod)) {
        if (context(at.container).seccompProfile?.type === 'Unconfined')
          report(scPath(at, 'seccompProfile', 'type'), `${at.label} runs seccomp Unconfined: use RuntimeDefault`);
      }
    },
  },
  {
    id: 'sysctls',
    run(pod, report, target) {
      const safe = safeSysctls(target);
      (podContext(pod).sysctls ?? []).forEach((s, i) => {
        if (!safe.has(s.name))
          report(
            podScPath(pod, 'sysctls', i, 'name'),
            `sysctl ${s.name} is not in the safe set for Kubernetes ${target.major}.${target.minor}: remove it`,
          );
      });
    },
  },
  {
    id: 'volumeTypes',
    run(pod, report) {
      (pod.spec.volumes ?? []).forEach((v, i) => {
        const type = Object.keys(v).find((k) => k !== 'name');
        if (type && !restrictedVolumes.includes(type))
          report(
            [...pod.path, 'spec', 'volumes', i, type],
            `volume "${v.name}" is of type ${type}: restricted allows only ${restrictedVolumes.join(', ')}`,
          );
      });
    },
  },
  {
    id: 'allowPrivilegeEscalation',
    run(pod, report) {
      if (isWindows(pod)) return;
      for (const at of containersOf(pod)) {
        if (context(at.container).allowPrivilegeEscalation !== false)
          report(scPath(at, 'allowPrivilegeEscalation'), `${at.label} must set securityContext.allowPrivilegeEscalation: false`);
      }
    },
  },
  {
    id: 'runAsNonRoot',
    run(pod, report) {
      const podValue = podContext(pod).runAsNonRoot;
      if (podValue === false) report(podScPath(pod, 'runAsNonRoot'), 'the pod sets runAsNonRoot: false: set it to true');
      for (const at of containersOf(pod)) {
        const value = context(at.container).runAsNonRoot;
        if (value === false) report(scPath(at, 'runAsNonRoot'), `${at.label} sets runAsNonRoot: false: set it to true`);
        else if (value === undefined && podValue !== true)
          report(
            scPath(at, 'runAsNonRoot'),
            `${at.label} must run as non-root: set securityContext.runAsNonRoot: true on it or on the pod (with a non-zero runAsUser if the image's user is root or not numeric)`,
          );
      }
    },
  },
  {
    id: 'runAsUser',
    run(pod, report) {
      if (podContext(pod).runAsUser === 0) report(podScPath(pod, 'runAsUser'), 'the pod sets runAsUser: 0 (root): use a non-zero UID');
      for (const at of containersOf(pod)) {
        if (context(at.container).runAsUser === 0)
          report(scPath(at, 'runAsUser'), `${at.label} sets runAsUser: 0 (root): use a non-zero UID`);
      }
    },
  },
  {
    id: 'seccompProfile',
    run(pod, report) {
      if (isWindows(pod)) return;
      const ok = (type?: string) => type === 'RuntimeDefault' || type === 'Localhost';
      const podType = podContext(pod).seccompProfile?.type;
      if (podType !== undefined && !ok(podType))
        report(podScPath(pod, 'seccompProfile', 'type'), `the pod sets seccomp ${podType}: use RuntimeDefault`);
      for (const at of containersOf(pod)) {
        const type = context(at.container).seccompProfile?.type;
        if (type !== undefined ? !ok(type) : !ok(podType))
          report(
            scPath(at, 'seccompProfile', 'type'),
            `${at.label} needs seccompProfile.type RuntimeDefault or Localhost, on it or on the pod`,
          );
      }
    },
  },
  {
    id: 'capabilitiesRestricted',
    run(pod, report) {
      if (isWindows(pod)) return;
      for (const at of containersOf(pod)) {
        const caps = context(at.container).capabilities;
        if (!(caps?.drop ?? []).includes('ALL'))
          report(scPath(at, 'capabilities', 'drop'), `${at.label} must drop all capabilities: capabilities.drop: [ALL]`);
        const extra = (caps?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
        if (extra.length > 0)
          report(scPath(at, 'capabilities', 'add'), `${at.label} adds ${extra.join(', ')}: restricted allows adding NET_BIND_SERVICE only`);
      }
    },
  },
];

/** Evaluate the pods of a rendering against a level (restricted includes every baseline control). */
export function podSecurityViolations(objects: readonly KubeObject[], level: PssLevel, target: KubeVersion = newestKnown): Violation[] {
  const violations: Violation[] = [];
  const applicable = checks.filter((c) => pssControls[c.id].level === 'baseline' || level === 'restricted');
  for (const pod of podTemplates(objects)) {
    for (const check of applicable) {
      check.run(
        pod,
        (path, message) => violations.push(violation(pssRuleId(check.id), pod.object, path, `Pod Security "${level}": ${message}`)),
        target,
      );
    }
  }
  return violations;
}
