// Helpers of the password-sync tests: find the container in a rendering, turn its readiness probe into
// a runnable `bash -c` container, and expand a script the way the kubelet does.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { K8sObject } from '../support/helm';
import { componentOf } from '../support/objects';

/** The PostgreSQL workload's pod template (StatefulSet or Deployment). */
export function postgresqlPod(objects: K8sObject[]): IPodTemplateSpec {
  const workload = objects.find((o) => (o.kind === 'StatefulSet' || o.kind === 'Deployment') && componentOf(o) === 'postgresql');
  if (!workload) throw new Error('no PostgreSQL workload rendered');
  return (workload as unknown as { spec: { template: IPodTemplateSpec } }).spec.template;
}

export function passwordSyncContainer(objects: K8sObject[]): IContainer {
  const container = postgresqlPod(objects).spec?.containers.find((c) => c.name === 'password-sync');
  if (!container) throw new Error('no password-sync container in the PostgreSQL pod');
  return container;
}

/** The readiness probe's `bash -c` command as a container runContainerScript accepts (same env). */
export function probeAsContainer(container: IContainer): IContainer {
  const command = container.readinessProbe?.exec?.command ?? [];
  if (command[0] !== 'bash' || command[1] !== '-c' || command.length !== 3) throw new Error(`probe is not "bash -c <script>": ${JSON.stringify(command)}`);
  return { ...container, command: ['bash', '-c'], args: [command[2]!] };
}

/** The container with its `bash -c` script as the kubelet hands it over (see kubeletExpand). */
export const asKubeletRuns = (container: IContainer, values: Record<string, string> = {}): IContainer => ({
  ...container,
  args: (container.args ?? []).map((a) => kubeletExpand(a, container, values)),
});

/**
 * What the kubelet does to command, args and exec probe commands before the container sees them
 * (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` becomes `$`; `$(NAME)` becomes the value
 * of the container's variable NAME when it defines one (values from `values`, else its literal value),
 * and stays as written otherwise; any other `$` stays.
 */
export function kubeletExpand(text: string, container: IContainer, values: Record<string, string> = {}): string {
  const defined = new Map((container.env ?? []).map((e) => [e.name, values[e.name] ?? e.value ?? ''] as const));
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 1;
    } else if (next === '(') {
      const close = text.indexOf(')', i + 2);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      const name = text.slice(i + 2, close);
      out += defined.has(name) ? defined.get(name) : `$(${name})`;
      i = close;
    } else {
      out += '$' + next;
      i += 1;
    }
  }
  return out;
}
