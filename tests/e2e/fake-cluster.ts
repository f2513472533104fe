// A model of one cluster, enough for the harness's ten steps: the objects `helm install` makes from
// the chart's real rendering (with the status a controller would give them), pods that are replaced
// when deleted or rolled, a PostgreSQL that keeps rows and checks passwords, and the commands'
// answers. Scenario knobs break one thing at a time. Driven through fake-tools.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { K8sObject } from '../support/helm';
import { SQUASH_TABLES, squashTablesSql } from './image-contract';
import type { FakeAnswer, FakeCall } from './fake-tools';
import { failedTestPod, hex, PodTemplate, runningPod, unschedulablePod } from './fake-kubelet';
import type { INode, IPod } from './types';

export interface Scenario {
  namespace: string;
  /** The chart rendered for this namespace (what `helm template` and `helm get manifest` print). */
  manifestYaml: string;
  manifest: K8sObject[];
  nodes: INode[];
  /** The node port the Service gets: where Squash TM answers on the nodes' address, or a closed port. */
  nodePort: number;
  /** The local port `kubectl port-forward` reports (a server standing for the forwarded Service). */
  forwardPort: number;
  /** `verb resource` pairs `kubectl auth can-i` answers "no" to. */
  denied?: string[];
  labelRemovalFails?: boolean;
  helmTestFails?: boolean;
  /** The bug the upgrade step must catch: the Squash TM pod rolls although the values did not change. */
  rollOnUnchangedUpgrade?: boolean;
  /** The claim stays Pending and its static PV Available, unbound (no claimRef). */
  volumeNeverBinds?: boolean;
  /** The tables Squash TM created (default: a few, with its Liquibase changelog and users). */
  tables?: string[];
  /** The password the data directory holds, when it differs from the Secret's. */
  databasePassword?: string;
  /** What the password-sync container printed (default: it logged in over a trusted local connection). */
  passwordSyncLog?: string;
}

export const FAKE_PASSWORD = 'fake-test-password-not-secret';
/** The password-sync container's log on the official image, whose pg_hba trusts local connections. */
export const PASSWORD_SYNC_TRUSTED_LOG =
  'password-sync: keeps the password of role squashtm equal to Secret squash-squash-tm-credentials, key password, read every 5s.\n' +
  'password-sync: PASS: role squashtm now has the password of Secret squash-squash-tm-credentials, key password (logged in with a trusted local connection).\n';
const COMPONENT = 'app.kubernetes.io/component';
const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
const clone = <T>(o: T): T => structuredClone(o);

type Meta = {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
};
type Live = K8sObject & { metadata: Meta; spec?: Record<string, unknown>; status?: Record<string, unknown> };

const isHook = (o: K8sObject) => Boolean(o.metadata.annotations?.['helm.sh/hook']);
const kept = (o: K8sObject) => o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep';

function matches(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((pair) => {
    const [key, value] = pair.split('=');
    return labels?.[key!] === value;
  });
}

export class FakeCluster {
  namespaceExists = false;
  namespaceLabels: Record<string, string> = {};
  installed = false;
  /** The release's live objects, namespaced and cluster-scoped, by "Kind/name". */
  objects = new Map<string, Live>();
  pods: IPod[] = [];
  /** Secrets that outlive the release (the generated credentials, kept on purpose). */
  secrets = new Map<string, Record<string, string>>();
  markers = new Set<string>();
  /** The values files of each helm install/upgrade, read when the command ran. */
  valuesSeen: { command: string; files: string[] }[] = [];
  private serial = 0;

  constructor(readonly scenario: Scenario) {}

  handle(call: FakeCall): FakeAnswer {
    return call.tool === 'helm' ? this.helm(call.args) : this.kubectl(call.args, call.input);
  }

  // ---- helm ----------------------------------------------------------------------------------

  private helm(raw: string[]): FakeAnswer {
    const args: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '--kube-context' || raw[i] === '--namespace' || raw[i] === '--timeout') i++;
      else if (raw[i] === '--values') values.push(raw[++i]!);
      else if (!raw[i]!.startsWith('--')) args.push(raw[i]!);
    }
    const [command] = args;
    switch (command) {
      case 'template':
        return { stdout: this.scenario.manifestYaml };
      case 'get':
        return this.installed ? { stdout: this.scenario.manifestYaml } : { stderr: 'Error: release: not found\n', code: 1 };
      case 'install':
        this.valuesSeen.push({ command: 'install', files: values.map((f) => readFileSync(f, 'utf8')) });
        if (this.installed) return { stderr: 'Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n', code: 1 };
        this.install();
        return { stdout: 'STATUS: deployed\n' };
      case 'upgrade': {
        this.valuesSeen.push({ command: 'upgrade', files: values.map((f) => readFileSync(f, 'utf8')) });
        const changed = values.some((f) => (parse(readFileSync(f, 'utf8')) as { squash?: { extraEnv?: unknown } })?.squash?.extraEnv);
        if (changed || this.scenario.rollOnUnchangedUpgrade) this.roll('squash');
        return { stdout: 'STATUS: deployed\n' };
      }
      case 'uninstall':
        this.uninstall();
        return { stdout: 'release "squash" uninstalled\n' };
      case 'test':
        return this.helmTest();
      default:
        return { stderr: `fake helm: unexpected ${raw.join(' ')}\n`, code: 1 };
    }
  }

  private install(): void {
    const { namespace, manifest } = this.scenario;
    this.installed = true;
    for (const object of manifest.filter((o) => !isHook(o))) {
      const live = clone(object) as Live;
      // What Helm writes on every object it creates, cluster-scoped ones too.
      live.metadata.annotations = {
        ...live.metadata.annotations,
        'meta.helm.sh/release-name': 'squash',
        'meta.helm.sh/release-namespace': namespace,
      };
      live.metadata.uid = this.uid(`${object.kind}/${object.metadata.name}`);
      live.metadata.generation = 1;
      if (object.kind !== 'PersistentVolume') live.metadata.namespace = namespace;
      const key = `${object.kind}/${object.metadata.name}`;
      // A kept claim or volume from the first install is adopted as it is, still bound.
      if (!this.objects.has(key)) this.objects.set(key, this.withStatus(live));
    }
    // The secret-generator hook's Secret, made once and kept across uninstalls.
    const ref = this.credentialsSecret();
    if (ref && !this.secrets.has(ref)) this.secrets.set(ref, { username: 'squashtm', password: FAKE_PASSWORD, database: 'squashtm' });
    for (const workload of this.workloads()) this.pods.push(this.pod(workload));
  }

  private uninstall(): void {
    this.installed = false;
    for (const [key, object] of this.objects) if (!kept(object)) this.objects.delete(key);
    this.pods = [];
  }

  private helmTest(): FakeAnswer {
    if (!this.scenario.helmTestFails) return { stdout: 'Phase: Succeeded\n' };
    const test = this.scenario.manifest.find((o) => o.kind === 'Pod' && o.metadata.name.endsWith('test-db')) as Live | undefined;
    if (test) this.pods.push(failedTestPod(test, this.scenario.namespace, this.uid('test-db')));
    return { stdout: 'Phase: Failed\n', stderr: `Error: 1 error occurred:\n\t* pod ${test?.metadata.name} failed\n`, code: 1 };
  }

  // ---- objects -------------------------------------------------------------------------------

  private uid(seed: string): string {
    const h = hex(`${seed}#${this.serial++}`);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  private credentialsSecret(): string | undefined {
    const squash = this.workloads().find((w) => w.metadata.labels?.[COMPONENT] === 'squash');
    const template = squash?.spec?.template as {
      spec?: { containers?: { env?: { name: string; valueFrom?: { secretKeyRef?: { name: string } } }[] }[] };
    };
    return template?.spec?.containers?.flatMap((c) => c.env ?? []).find((e) => e.name === 'SPRING_DATASOURCE_PASSWORD')?.valueFrom
      ?.secretKeyRef?.name;
  }

  private workloads(): Live[] {
    return [...this.objects.values()].filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  }

  private withStatus(live: Live): Live {
    const unbound = this.scenario.volumeNeverBinds;
    const spec = live.spec as Record<string, unknown> & {
      resources?: { requests?: { storage?: string } };
      accessModes?: string[];
      capacity?: unknown;
    };
    if (live.kind === 'PersistentVolumeClaim') {
      live.status = unbound
        ? { phase: 'Pending' }
        : { phase: 'Bound', capacity: { storage: spec.resources?.requests?.storage }, accessModes: spec.accessModes };
    } else if (live.kind === 'PersistentVolume') {
      const claim = this.scenario.manifest.find((o) => o.kind === 'PersistentVolumeClaim');
      if (!unbound)
        spec.claimRef = {
          kind: 'PersistentVolumeClaim',
          namespace: this.scenario.namespace,
          name: claim?.metadata.name,
          uid: this.uid('claim'),
        };
      live.status = { phase: unbound ? 'Available' : 'Bound' };
    } else if (live.kind === 'Service') {
      const ports = (spec.ports ?? []) as { nodePort?: number }[];
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') for (const port of ports) port.nodePort = this.scenario.nodePort;
      spec.clusterIP = '10.96.120.14';
    }
    return live;
  }

  /** A pod of `workload` as the kubelet reports it: Running and Ready, or Pending while its claim is unbound. */
  private pod(workload: Live): IPod {
    const template = workload.spec?.template as PodTemplate;
    const component = template.metadata?.labels?.[COMPONENT] ?? '';
    const uid = this.uid(`pod-${component}`);
    const name = workload.kind === 'StatefulSet' ? `${workload.metadata.name}-0` : `${workload.metadata.name}-7c9d5f8b6-${uid.slice(0, 5)}`;
    const where = { name, namespace: this.scenario.namespace, uid };
    if (this.scenario.volumeNeverBinds && component === 'postgresql') return unschedulablePod(template, where);
    return runningPod(template, where, this.pinnedNode() ?? this.scenario.nodes[0]?.metadata?.name ?? '');
  }

  private pinnedNode(): string | undefined {
    const pv = [...this.objects.values()].find((o) => o.kind === 'PersistentVolume');
    const affinity = pv?.spec?.nodeAffinity as
      { required?: { nodeSelectorTerms?: { matchExpressions?: { values?: string[] }[] }[] } } | undefined;
    return affinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0];
  }

  /** A new pod for the component's workload, as a rollout or a deleted pod's replacement makes. */
  private roll(component: string): void {
    const workload = this.workloads().find((w) => (w.spec?.template as PodTemplate).metadata?.labels?.[COMPONENT] === component);
    if (!workload) return;
    this.pods = this.pods.filter((p) => p.metadata?.labels?.[COMPONENT] !== component);
    this.pods.push(this.pod(workload));
    workload.metadata.generation = (workload.metadata.generation ?? 1) + 1;
  }

  private workloadStatus(live: Live): Live {
    const component = (live.spec?.template as PodTemplate).metadata?.labels?.[COMPONENT];
    const pod = this.pods.find((p) => p.metadata?.labels?.[COMPONENT] === component && p.status?.phase === 'Running');
    const ready = pod ? 1 : 0;
    const generation = live.metadata.generation ?? 1;
    live.status =
      live.kind === 'StatefulSet'
        ? {
            observedGeneration: generation,
            replicas: 1,
            readyReplicas: ready,
            updatedReplicas: 1,
            currentRevision: 'r1',
            updateRevision: 'r1',
          }
        : { observedGeneration: generation, replicas: 1, updatedReplicas: 1, readyReplicas: ready, availableReplicas: ready };
    return live;
  }

  // ---- kubectl -------------------------------------------------------------------------------

  private kubectl(raw: string[], input: string): FakeAnswer {
    const args: string[] = [];
    let allNamespaces = false;
    for (let i = 0; i < raw.length; i++) {
      const a = raw[i]!;
      if (a === '--context' || a === '--namespace') i++;
      else if (a === '--all-namespaces') allNamespaces = true;
      else if (!a.startsWith('--request-timeout')) args.push(a);
    }
    const [verb, what] = args;
    const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
    switch (verb) {
      case 'config':
        return what === 'current-context' ? { stdout: 'fake-ctx\n' } : { stdout: 'https://127.0.0.1:6443' };
      case 'version':
        return { stdout: JSON.stringify({ clientVersion: { gitVersion: 'v1.34.1' }, serverVersion: { gitVersion: 'v1.31.0' } }) };
      case 'auth': {
        const [, , canVerb, resource] = args;
        // can-i reads "pods/exec" as the pod named exec: a subresource must come as --subresource.
        if (resource?.includes('/')) return { stderr: `fake kubectl: ${resource} asked as TYPE/NAME\n`, code: 1 };
        const subresource = args.find((a) => a.startsWith('--subresource='))?.split('=')[1];
        const asked = subresource ? `${resource}/${subresource}` : resource;
        // A cluster-scoped question asked inside a namespace would be answered wrongly by a Role: refuse it.
        const clusterScoped = ['namespaces', 'nodes', 'persistentvolumes'].includes(resource ?? '');
        if (clusterScoped !== allNamespaces) return { stderr: `fake kubectl: ${resource} asked with the wrong scope\n`, code: 1 };
        const denied = (this.scenario.denied ?? []).includes(`${canVerb} ${asked}`);
        return denied ? { stdout: 'no\n', code: 1 } : { stdout: 'yes\n' };
      }
      case 'create':
        this.namespaceExists = true;
        return { stdout: `namespace/${args[2]} created\n` };
      case 'label':
        return this.label(args[3]!);
      case 'get':
        return this.get(what!, args[2] && !args[2].startsWith('-') ? args[2] : undefined, flag('-l'), args.includes('json'));
      case 'delete':
        return this.delete(
          what!,
          flag('-l'),
          args.slice(2).filter((a) => !a.startsWith('-')),
        );
      case 'exec':
        return this.exec(args, input);
      case 'logs':
        if (args.includes('password-sync')) return { stdout: this.scenario.passwordSyncLog ?? PASSWORD_SYNC_TRUSTED_LOG };
        return { stdout: 'FAIL: psql as squashtm on squashtm could not run SELECT 1 (error above)\n' };
      case 'port-forward':
        return {
          stdout: `Forwarding from 127.0.0.1:${this.scenario.forwardPort} -> 8080\nForwarding from [::1]:${this.scenario.forwardPort} -> 8080\n`,
          hold: true,
        };
      default:
        return { stderr: `fake kubectl: unexpected ${raw.join(' ')}\n`, code: 1 };
    }
  }

  private label(change: string): FakeAnswer {
    const [key, value] = change.endsWith('-') ? [change.slice(0, -1), undefined] : change.split('=');
    if (value === undefined) {
      if (this.scenario.labelRemovalFails) {
        return {
          stderr: 'Error from server (Conflict): Operation cannot be fulfilled on namespaces: the object has been modified\n',
          code: 1,
        };
      }
      delete this.namespaceLabels[key!];
    } else this.namespaceLabels[key!] = value;
    return { stdout: `namespace/${this.scenario.namespace} labeled\n` };
  }

  private ofKind(kind: string): Live[] {
    return [...this.objects.values()].filter((o) => o.kind === kind);
  }

  private get(kind: string, name: string | undefined, selector: string | undefined, json: boolean): FakeAnswer {
    const { namespace } = this.scenario;
    const pick = (items: { metadata?: { name?: string; labels?: Record<string, string> } }[]) =>
      items.filter((o) => matches(o.metadata?.labels, selector) && (name === undefined || o.metadata?.name === name));
    const one = (items: unknown[], what: string): FakeAnswer =>
      items.length === 1
        ? { stdout: JSON.stringify(items[0]) }
        : { stderr: `Error from server (NotFound): ${what} "${name}" not found\n`, code: 1 };
    if (!json) return { stdout: 'NAME   STATUS   AGE\n' };
    switch (kind) {
      case 'namespace':
        return {
          stdout: JSON.stringify({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace, ...this.namespaceLabels } },
          }),
        };
      case 'nodes':
        return { stdout: list(this.scenario.nodes) };
      case 'pvc':
        return { stdout: list(pick(this.ofKind('PersistentVolumeClaim'))) };
      case 'pv':
        return { stdout: list(pick(this.ofKind('PersistentVolume'))) };
      case 'deployment':
        return { stdout: list(pick(this.ofKind('Deployment')).map((d) => this.workloadStatus(d as Live))) };
      case 'statefulset':
        return { stdout: list(pick(this.ofKind('StatefulSet')).map((s) => this.workloadStatus(s as Live))) };
      case 'pod':
      case 'pods':
        return { stdout: list(pick(this.pods)) };
      case 'events':
        return { stdout: list([]) };
      case 'service':
        return one(pick(this.ofKind('Service')), 'services');
      case 'secret': {
        const data = this.secrets.get(name ?? '');
        const encoded = data && Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
        return one(data ? [{ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: encoded }] : [], 'secrets');
      }
      default:
        return { stderr: `fake kubectl: cannot get ${kind}\n`, code: 1 };
    }
  }

  private delete(kind: string, selector: string | undefined, names: string[]): FakeAnswer {
    if (kind === 'pod') {
      const components = this.pods.filter((p) => matches(p.metadata?.labels, selector)).map((p) => p.metadata?.labels?.[COMPONENT] ?? '');
      for (const component of components) this.roll(component);
      return { stdout: 'pod deleted\n' };
    }
    if (kind === 'namespace') {
      this.namespaceExists = false;
      for (const [key, object] of this.objects) if (object.kind !== 'PersistentVolume') this.objects.delete(key);
      this.pods = [];
      return { stdout: `namespace "${names[0]}" deleted\n` };
    }
    if (kind === 'pv') {
      for (const name of names) this.objects.delete(`PersistentVolume/${name}`);
      return { stdout: names.map((n) => `persistentvolume "${n}" deleted\n`).join('') };
    }
    return { stderr: `fake kubectl: cannot delete ${kind}\n`, code: 1 };
  }

  /** `kubectl exec`: psql over the socket, the TCP login, or the image-contract probe. */
  private exec(args: string[], input: string): FakeAnswer {
    const dash = args.indexOf('--');
    const [script, , ...rest] = args.slice(dash + 3); // after `-- sh -c`
    const container = args[args.indexOf('-c') + 1];
    if (container === 'squash') {
      return { stdout: readFileSync(path.join(__dirname, 'fixtures', 'contract-probe-as-assumed.txt'), 'utf8') };
    }
    if (script?.includes('read -r PGPASSWORD')) {
      const [host, port, user] = rest;
      const expected = this.scenario.databasePassword ?? FAKE_PASSWORD;
      if (input !== expected) {
        return {
          stderr: `psql: error: connection to server at "${host}" (10.96.7.21), port ${port} failed: FATAL:  password authentication failed for user "${user}"\n`,
          code: 2,
        };
      }
      return { stdout: `${user} 10.244.0.12\n` };
    }
    const sql = rest[0] ?? '';
    const inserted = /INSERT INTO e2e\.marker VALUES \('([^']+)'\)/.exec(sql);
    if (inserted) {
      this.markers.add(inserted[1]!);
      return { stdout: 'INSERT 0 1\n' };
    }
    const read = /WHERE value = '([^']+)'/.exec(sql);
    if (read) return { stdout: `${this.markers.has(read[1]!) ? 1 : 0}\n` };
    if (sql === squashTablesSql)
      return { stdout: `${(this.scenario.tables ?? [...SQUASH_TABLES, 'project', 'test_case']).sort().join('\n')}\n` };
    return { stderr: `fake psql: unexpected ${sql}\n`, code: 1 };
  }
}
