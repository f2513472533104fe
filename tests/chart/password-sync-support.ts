// Helpers of the password-sync tests: find the container in a rendering, and turn its readiness probe
// into a runnable `bash -c` container.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { K8sObject } from '../support/helm';
import { workloadOf } from '../support/objects';

/** The PostgreSQL workload's pod template (StatefulSet or Deployment). */
export const postgresqlPod = (objects: K8sObject[]): IPodTemplateSpec => workloadOf(objects, 'postgresql').spec!.template;

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
