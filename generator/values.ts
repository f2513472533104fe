// The single definition of the chart's values. values.yaml, values.schema.json, the README table and
// the TypeScript type `ChartValues` are all derived from it: edit here, then `npm run generate-chart`.
import {
  Infer,
  JsonSchema,
  boolean,
  integer,
  nullableInteger,
  object,
  objectList,
  oneOf,
  passthrough,
  string,
  stringList,
  stringMap,
} from './model/fields';
import type { IAffinity, IEnvVar, IPodSecurityContext, IResourceRequirements, ISecurityContext, IToleration } from 'kubernetes-models/v1';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import * as k8s from './model/k8s-schemas';
import * as p from './model/patterns';

const image = (what: string, repository: string, tag: string) =>
  object(`The ${what} container image.`, {
    repository: string('Image repository, with its registry host when not Docker Hub.', repository, {
      pattern: p.imageRepository,
    }),
    // `latest` is refused in templates/validate.yaml, where the message can say why.
    tag: string('Image tag, pinned: never `latest`.', tag, { pattern: p.imageTag }),
    pullPolicy: oneOf('When the kubelet pulls the image.', ['IfNotPresent', 'Always', 'Never'] as const, 'IfNotPresent'),
  });

/** A NetworkPolicy rule or peer: our closed shape, never empty (an empty one admits everything). */
const ruleObject = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties,
});

/** A map of Kubernetes labels, as a selector reads them. */
const labelMap = (description: string) => stringMap(description, {}, { keyPattern: k8s.qualifiedKey, valuePattern: k8s.labelValue });

const scheduling = (what: string) => ({
  nodeSelector: labelMap(`Node labels the ${what} pod must run on.`),
  tolerations: passthrough<IToleration[]>(`Tolerations of the ${what} pod.`, [], { type: 'array', items: k8s.toleration }),
  affinity: passthrough<IAffinity>(`Affinity rules of the ${what} pod.`, {}, k8s.affinity),
  priorityClassName: string(`PriorityClass of the ${what} pod. Empty: the cluster default.`, '', {
    pattern: p.orEmpty(p.dnsSubdomain),
    maxLength: 253,
  }),
});

const port = (description: string, def: number) => integer(description, def, { minimum: 1, maximum: 65535 });

/** The name of an object the user manages (Secret, claim, StorageClass...), or empty. */
const objectName = (description: string) => string(description, '', { pattern: p.orEmpty(p.dnsSubdomain), maxLength: 253 });

/** A key inside a Secret. */
const secretKey = (description: string, def: string) => string(description, def, { pattern: p.secretKey, maxLength: 253 });

/** A claim's access modes: at least one, no repeats, default ReadWriteOnce. */
const accessModes = (description: string) =>
  stringList(description, ['ReadWriteOnce'], {
    minItems: 1,
    uniqueItems: true,
    items: { enum: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] },
  });

/**
 * A container's `resources` block: typed as Kubernetes has it, closed by the schema. Every default
 * declares cpu and memory requests and limits: a namespace with a ResourceQuota on `limits.cpu` (and
 * no LimitRange) admits a pod only when each of its containers declares all four.
 */
const resources = (description: string, def: IResourceRequirements) =>
  passthrough<IResourceRequirements>(
    `${description} The defaults declare cpu and memory requests and limits, so that a namespace with a compute ` +
      'ResourceQuota (`limits.cpu` included) admits the pod; set a limit to `null` to drop it.',
    def,
    k8s.resources,
  );

export const valuesDefinition = object('Squash TM with PostgreSQL.', {
  nameOverride: string('Replaces the chart name in object names.', '', { pattern: p.orEmpty(p.serviceName), maxLength: 40 }),
  fullnameOverride: string('Replaces the release-and-chart prefix of every object name.', '', {
    pattern: p.orEmpty(p.serviceName),
    // What the fullname helper keeps (it cuts at 50): every suffix the chart appends still fits in 63.
    maxLength: 50,
  }),

  clusterDomain: string('DNS domain of the cluster, used to build Service FQDNs.', 'cluster.local', {
    pattern: p.dnsSubdomain,
    maxLength: 253,
  }),

  imagePullSecrets: stringList('Names of Secrets the kubelet uses to pull the images (private registries).', [], {
    items: { type: 'string', pattern: p.dnsSubdomain, maxLength: 253 },
  }),

  // Helm hands `global` to every subchart, even when the parent sets none: a closed schema without
  // it makes the chart unusable as a dependency. Nothing in this chart reads it.
  global: passthrough<Record<string, unknown>>(
    'Values Helm shares between a parent chart and its subcharts; accepted with any content, not read by this chart.',
    {},
  ),

  serviceAccount: object('The ServiceAccount the pods run as. Its API token is never mounted: neither image needs it.', {
    create: boolean('Create a dedicated ServiceAccount for the release.', false),
    name: objectName("Name to use. Empty: `<fullname>` when `create` is true, else the namespace's `default`."),
    annotations: stringMap('Annotations of the created ServiceAccount (e.g. a cloud IAM role).', {}, { keyPattern: k8s.qualifiedKey }),
  }),

  openshift: object('OpenShift, whose restricted-v2 SCC gives each namespace its own UID range and rejects fixed UIDs.', {
    fixedIds: oneOf(
      'The fixed UIDs, GIDs and fsGroup (999, the postgres user) of every pod. `auto`: left out when the cluster serves ' +
        'the `security.openshift.io/v1` API (OpenShift), kept elsewhere. `omit`: always left out, for other platforms that ' +
        'assign UIDs. `keep`: always set. Left out, the platform assigns an arbitrary UID. hostPath mode is not for OpenShift.',
      ['auto', 'omit', 'keep'] as const,
      'auto',
    ),
  }),

  initContainers: object('The short-lived init containers (wait-for-database, volume-permissions, the PostgreSQL guards).', {
    resources: resources(
      'Resources of every init container: a namespace with a compute ResourceQuota and no LimitRange rejects a pod ' +
        'whose init containers declare none.',
      { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    ),
  }),

  tests: object('The `helm test` pods (database login, HTTP answer, database alias).', {
    resources: resources('Resources of each test container.', {
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '64Mi' },
    }),
  }),

  networkPolicy: object("NetworkPolicies (enforced only where the cluster's network plugin supports them).", {
    enabled: boolean(
      "Only Squash TM (and the chart's test pods) may reach PostgreSQL; Squash TM accepts traffic on its HTTP port only.",
      true,
    ),
    restrictEgress: boolean(
      'Also restrict outgoing traffic: PostgreSQL may only resolve DNS; Squash TM may resolve DNS and reach its database. ' +
        'Off by default: Squash TM may need to reach bug trackers, LDAP or mail servers.',
      false,
    ),
    extraEgress: passthrough(
      'With `restrictEgress`: further egress rules for Squash TM (Kubernetes NetworkPolicy egress rules), for its ' +
        'integrations: bug trackers, SMTP, LDAP, an identity provider. E.g. `[{to: [{ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: 443}]}]`.',
      [] as INetworkPolicyEgressRule[],
      {
        type: 'array',
        items: ruleObject({
          to: { type: 'array', items: { type: 'object' } },
          ports: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                port: {
                  anyOf: [
                    { type: 'integer', minimum: 1, maximum: 65535 },
                    { type: 'string', pattern: p.portName },
                  ],
                },
                endPort: { type: 'integer', minimum: 1, maximum: 65535 },
                protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
              },
            },
          },
        }),
      },
    ),
    squash: object("Who may open connections to Squash TM's HTTP port.", {
      anySource: boolean(
        'Admit any source: what a NodePort or LoadBalancer Service needs (its traffic arrives from node addresses). ' +
          "false: only the HTTPRoute's gateway (`gateway`), `extraPeers` and the chart's test pods.",
        true,
      ),
      gateway: object(
        "The pods that carry the HTTPRoute's traffic, admitted when `anySource` is false and `squash.httpRoute` is enabled.",
        {
          namespaceSelector: labelMap(
            "Labels of the namespaces the gateway's proxy pods run in. Empty: the namespaces of `squash.httpRoute.parentRefs`, " +
              'where most implementations run them (Envoy Gateway runs them in its own namespace: set this then).',
          ),
          podSelector: labelMap("Labels of the gateway's proxy pods in those namespaces. Empty: every pod there."),
        },
      ),
      extraPeers: passthrough(
        "Further sources admitted when `anySource` is false: Kubernetes NetworkPolicy peers, e.g. an Ingress controller's " +
          'namespace `{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress}}}`.',
        [] as INetworkPolicyPeer[],
        {
          type: 'array',
          items: ruleObject({
            podSelector: k8s.labelSelector,
            namespaceSelector: k8s.labelSelector,
            ipBlock: {
              type: 'object',
              additionalProperties: false,
              required: ['cidr'],
              properties: {
                cidr: { type: 'string', pattern: p.ipCidr },
                except: { type: 'array', items: { type: 'string', pattern: p.ipCidr } },
              },
            },
          }),
        },
      ),
    }),
  }),

  auth: object('Database credentials, shared by PostgreSQL and Squash TM through one Secret.', {
    username: string('Database user Squash TM connects as (created by PostgreSQL at first start).', 'squashtm', {
      pattern: p.pgIdentifier,
    }),
    database: string('Database name (created by PostgreSQL at first start).', 'squashtm', { pattern: p.pgIdentifier }),
    password: string(
      'Database password. Leave empty: a random 32-character password is generated once, in the cluster, by the ' +
        '`secretGenerator` Job, and kept (see the chart README, section "How the secrets are made"). Set: the chart renders the Secret with it. ' +
        'Never commit one; prefer `existingSecret`.',
      '',
    ),
    existingSecret: objectName('Name of a Secret you manage that holds the username and password; when set, the chart creates no Secret.'),
    secretKeys: object("Key names inside the Secret (the chart's own or `existingSecret`).", {
      username: secretKey('Key holding the database user.', 'username'),
      password: secretKey('Key holding the database password.', 'password'),
      previousPassword: string(
        "An extra login for the PostgreSQL pod's `password-sync` container, which sets the role's password to the " +
          "Secret's `password`: the key of the same Secret that holds the password the role has now. Needed only where " +
          'local connections are not trusted (the official image trusts them) and the pod restarted since the password ' +
          'last changed; the key may be missing (see the chart README, section "Rotating the database password"). Empty: none.',
        '',
        { pattern: p.orEmpty(p.secretKey), maxLength: 253 },
      ),
    }),
  }),

  secretGenerator: object(
    'The `pre-install`/`pre-upgrade` hook Job that creates each generated Secret (database password, JWT and crypto ' +
      'secrets) in the cluster when it does not exist, and adds a missing key, never changing an existing one. Nothing ' +
      'random is ever templated, so `helm template` and GitOps tools render the same manifests every time.',
    {
      // registry.k8s.io/kubectl ships bash and coreutils next to kubectl (kubernetes/kubernetes#119592); the script
      // is tested offline with the same kubectl version (.tools/kubectl).
      image: image('secret generator (kubectl, bash and coreutils)', 'registry.k8s.io/kubectl', 'v1.35.2'),
      resources: resources('Resources of the generator container.', {
        requests: { cpu: '10m', memory: '32Mi' },
        limits: { cpu: '200m', memory: '128Mi' },
      }),
    },
  ),

  postgresql: object('The in-chart PostgreSQL server.', {
    enabled: boolean('Deploy PostgreSQL in the release. When false, set `externalDatabase.host`.', true),
    workload: oneOf(
      'Controller of the PostgreSQL pod. `StatefulSet`: a deleted or evicted pod is replaced only once it is gone, so two ' +
        'servers never share the data directory. `Deployment`: what the course uses; its ReplicaSet starts a replacement at ' +
        "once (an init container then waits for the old server to stop). Both use the chart's own claim.",
      ['StatefulSet', 'Deployment'] as const,
      'StatefulSet',
    ),
    image: image('PostgreSQL', 'postgres', '17.6'),
    resources: resources('Container resources.', {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    }),
    passwordSync: object(
      "The `password-sync` container beside the server: it sets the database role's password to the Secret's whenever " +
        'the Secret changes, and is ready only once the role has it (see the chart README, section "Rotating the database password").',
      {
        resources: resources('Resources of the container (bash and psql, once every few seconds).', {
          requests: { cpu: '10m', memory: '16Mi' },
          limits: { cpu: '100m', memory: '64Mi' },
        }),
      },
    ),
    podSecurityContext: passthrough<IPodSecurityContext>(
      "Pod security context. `fsGroupChangePolicy: OnRootMismatch`: the kubelet changes the volume's group only when its " +
        'root directory does not have it already, instead of walking every file of the database at each start.',
      {
        fsGroup: 999,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      k8s.podSecurityContext,
    ),
    shmSize: string(
      "Size of /dev/shm, a memory-backed emptyDir counted in the pod's memory. The runtime's default is 64 MiB, too small for " +
        'parallel queries ("could not resize shared memory segment").',
      '256Mi',
      { pattern: p.positiveQuantity },
    ),
    containerSecurityContext: passthrough<ISecurityContext>(
      "Container security context (the image's `postgres` user is UID 999).",
      {
        runAsUser: 999,
        runAsGroup: 999,
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
      k8s.containerSecurityContext,
    ),
    service: object('The ClusterIP Service in front of PostgreSQL.', {
      port: port('Service port.', 5432),
      clusterIP: string(
        "Fixed cluster IP, for clients that connect by address. Must lie in the cluster's service CIDR (minikube: 10.96.0.0/12) " +
          'and cannot change once created. IPv6 on an IPv6 or dual-stack cluster. Empty: Kubernetes picks one.',
        '',
        { pattern: p.orEmpty(p.ipAddress) },
      ),
    }),
    persistence: object('Where PostgreSQL keeps its data.', {
      enabled: boolean('Keep data on a PersistentVolumeClaim. When false, data lives in an emptyDir and dies with the pod.', true),
      existingClaim: objectName('Use this PVC instead of creating one.'),
      size: string("Requested capacity (also the static PV's capacity).", '2Gi', { pattern: p.positiveQuantity }),
      accessModes: accessModes('Access modes of the claim (and of the static PV).'),
      storageClass: objectName(
        'Storage class. Dynamic mode: empty means the cluster default. Static (hostPath) mode: written on both the PV ' +
          'and the PVC, empty meaning class-less.',
      ),
      keep: boolean('Annotate the PVC with `helm.sh/resource-policy: keep` so `helm uninstall` leaves the data.', true),
      hostPath: object('A static hostPath PersistentVolume on a node directory (minikube, single-node labs).', {
        enabled: boolean('Create a hostPath PersistentVolume and bind the claim to it by `volumeName`.', false),
        path: string('Directory on the node. Empty: `/data/<pv name>` (minikube keeps /data across restarts).', '', {
          pattern: p.orEmpty(p.absolutePath),
        }),
        reclaimPolicy: oneOf(
          'What happens to the PV once its claim is deleted. `Delete` is refused: Kubernetes never deletes a hostPath ' +
            'directory (the PV would only go `Failed`); delete the PV and the directory yourself.',
          ['Retain', 'Delete'] as const,
          'Retain',
        ),
        nodeName: string(
          "The node the directory is on (`kubernetes.io/hostname` label), written as the PV's node affinity so that the pod " +
            "always runs there. Empty: the live PV's affinity, else the only node's label when `helm install` sees one node; " +
            'a cluster of several nodes is refused (a rescheduled pod would find an empty directory and initialise a new ' +
            'database). Set it under `helm template`, Argo CD and Flux, which see no node. Cannot change once the PV is pinned.',
          '',
          { pattern: p.orEmpty(k8s.labelValue), maxLength: 63 },
        ),
      }),
    }),
    volumePermissions: object('An init container that makes the data directory writable by UID 999.', {
      enabled: boolean(
        'Run it. It runs as root with only CAP_CHOWN; hostPath mode needs it because the kubelet creates the directory ' +
          'root-owned and fsGroup does not apply to hostPath.',
        false,
      ),
    }),
    ...scheduling('PostgreSQL'),
  }),

  externalDatabase: object('A PostgreSQL server outside the chart, used when `postgresql.enabled` is false.', {
    host: objectName('DNS name of the server (e.g. `db.other-ns.svc.cluster.local`).'),
    port: port('Server port.', 5432),
  }),

  databaseAlias: object(
    'An ExternalName Service: a stable alias Squash TM uses as its database host, pointing at the ' +
      'in-chart PostgreSQL Service or at `externalDatabase.host`.',
    {
      enabled: boolean('Create the alias and make Squash TM connect through it.', false),
      name: string('Service name of the alias. Empty: `<fullname>-db`.', '', { pattern: p.orEmpty(p.serviceName), maxLength: 63 }),
      externalName: objectName(
        "DNS name the alias resolves to. Empty: the in-chart PostgreSQL Service's FQDN, or `externalDatabase.host`.",
      ),
    },
  ),

  backup: object(
    'Scheduled dumps of the Squash TM database (pg_dump, custom format) to a claim, with retention, and a dump ' +
      'before each `helm upgrade` that changes the Squash TM image. Works with the in-chart PostgreSQL and with `externalDatabase`.',
    {
      enabled: boolean('Create the backup CronJob (and its claim).', false),
      schedule: string('When dumps run (cron syntax, five fields, or `@daily`, `@hourly`...).', '0 3 * * *', {
        pattern: p.cronSchedule,
      }),
      timeZone: string("Time zone of `schedule` (e.g. `Europe/Paris`). Empty: the controller's (usually UTC).", '', {
        pattern: p.orEmpty(p.timeZone),
      }),
      retention: integer(
        'How many complete scheduled dumps to keep; older scheduled ones are deleted. Pre-upgrade dumps are counted apart ' +
          '(`preUpgradeRetention`), and dumps of any other name are never deleted.',
        7,
        { minimum: 1, maximum: 1000 },
      ),
      preUpgradeRetention: integer(
        'How many complete pre-upgrade dumps to keep; older pre-upgrade ones are deleted, never a scheduled one.',
        3,
        { minimum: 1, maximum: 1000 },
      ),
      roles: boolean(
        'Also save the roles (`pg_dumpall --roles-only --no-role-passwords`: no superuser needed, no password hashes), ' +
          'as a plain SQL file beside each dump.',
        true,
      ),
      beforeUpgrade: boolean(
        'Dump in a `pre-upgrade` hook Job when a `helm upgrade` changes the Squash TM image (the change that migrates the ' +
          'schema); the upgrade fails when the dump fails. Only on a real upgrade that finds the backup claim and the ' +
          'running Deployment with `lookup`: never at install, never under `helm template`, Argo CD or other GitOps tools ' +
          '(there, rely on the schedule or dump by hand before changing `squash.image.tag`; chart README, "Backup and restore").',
        true,
      ),
      startingDeadlineSeconds: integer('A run that could not start within this many seconds of its time is skipped.', 3600, {
        minimum: 60,
      }),
      timeoutSeconds: integer('A dump running longer than this is stopped and counted as failed.', 3600, { minimum: 60 }),
      resources: resources('Resources of the dump container.', {
        requests: { cpu: '50m', memory: '128Mi' },
        limits: { cpu: '1', memory: '512Mi' },
      }),
      persistence: object('The claim dumps are written to. It is kept by `helm uninstall` unless `keep` is false.', {
        enabled: boolean('Create the claim. False: set `existingClaim`.', true),
        existingClaim: objectName('Write to this PVC instead of creating one.'),
        size: string('Requested capacity: room for `retention` dumps.', '5Gi', { pattern: p.positiveQuantity }),
        accessModes: accessModes(
          'Access modes of the claim. Not ReadWriteOncePod: the anchor pod (PostgreSQL, or Squash TM with an external database) ' +
            "lists the claim so that it is bound at install, and every dump and restore pod shares it on that pod's node.",
        ),
        storageClass: objectName('Storage class. Empty: the cluster default.'),
        keep: boolean('Annotate the claim with `helm.sh/resource-policy: keep` so `helm uninstall` leaves the dumps.', true),
      }),
    },
  ),

  squash: object('The Squash TM application.', {
    image: image('Squash TM', 'squashtest/squash', '13.0.1'),
    resources: resources(
      'Container resources. `limits.memory` is required: the JVM heap is computed from it (see `jvm`), and a limit ' +
        "too small for the heap plus the JVM's other memory is refused.",
      {
        requests: { cpu: '250m', memory: '1Gi' },
        limits: { cpu: '2', memory: '3Gi' },
      },
    ),
    jvm: object(
      "JVM memory, computed at render time and passed both in `SQUASH_JAVA_ARGS` (after the start script's own " +
        '`-Xms128m -Xmx2048m`, so it wins) and in `_JAVA_OPTIONS` (which HotSpot reads after the command line, so it ' +
        'wins even where the script ignores `SQUASH_JAVA_ARGS`). Heap: `-Xmx` = `heap`, or `maxRamPercentage` % of ' +
        '`squash.resources.limits.memory` (rounded down to MiB); `-Xms` = 128 MiB, or the heap when smaller. The limit ' +
        'must hold heap + `maxMetaspaceSize` + `reservedCodeCacheSize` + 128 MiB (threads, native) + 128 MiB safety ' +
        'margin, or `helm template` refuses it.',
      {
        maxRamPercentage: integer('Heap (`-Xmx`) as a percentage of the container memory limit, when `heap` is empty.', 65, {
          minimum: 40,
          maximum: 90,
        }),
        heap: string("Explicit heap size in the JVM's own form (`1536m`, `2g`); overrides `maxRamPercentage`.", '', {
          pattern: p.orEmpty(p.jvmSize),
        }),
        maxMetaspaceSize: integer('`-XX:MaxMetaspaceSize`, in MiB (class metadata of Squash TM and its plugins).', 256, {
          minimum: 64,
          maximum: 2048,
        }),
        reservedCodeCacheSize: integer('`-XX:ReservedCodeCacheSize`, in MiB (JIT-compiled code).', 128, {
          minimum: 32,
          maximum: 1024,
        }),
        options: string('Further JVM options, appended to both variables (e.g. `-Duser.language=fr`).', ''),
      },
    ),
    secrets: object(
      "The application's own secrets: the REST API's JWT signing key (`SQUASH_REST_API_JWT_SECRET`; without it API " +
        'tokens cannot be created) and the key that encrypts the third-party credentials Squash TM stores ' +
        '(`SQUASH_CRYPTO_SECRET`). Generated once in the cluster by the `secretGenerator` Job and kept like the database ' +
        'password, or taken from `existingSecret`. When `jwtSecret` or `cryptoSecret` is set, the chart renders the ' +
        'Secret itself (a key left empty is read back from the live Secret).',
      {
        existingSecret: objectName('Secret you manage holding both; when set, the chart creates no application Secret.'),
        secretKeys: object("Key names inside that Secret (or the chart's own).", {
          jwt: secretKey('Key holding the JWT secret (base64, at least 512 bits).', 'jwt-secret'),
          crypto: secretKey('Key holding the crypto secret.', 'crypto-secret'),
        }),
        jwtSecret: string(
          'JWT secret, base64 of at least 64 bytes. Leave empty: 64 random bytes are generated. Never commit one; prefer `existingSecret`.',
          '',
          { pattern: p.orEmpty(p.base64Of64Bytes) },
        ),
        cryptoSecret: string(
          'Crypto secret. Leave empty: 64 random characters are generated. Set it only to carry over the secret of an ' +
            'existing Squash TM database. Never commit one; prefer `existingSecret`.',
          '',
          { pattern: p.orEmpty(p.longSecret) },
        ),
        acknowledgeCryptoSecretChange: boolean(
          'Allow an upgrade to change the crypto secret of a live release. The credentials Squash TM stored under the ' +
            'old one (bug trackers, CI servers) become unreadable and must be entered again.',
          false,
        ),
      },
    ),
    timezone: string("Time zone of the application (`TZ`), e.g. `Europe/Paris`. Empty: the image's (UTC).", '', {
      pattern: p.orEmpty(p.timeZone),
    }),
    license: object('The Squash TM licence (commercial plugins), mounted as one file so the shipped plugins stay visible.', {
      existingSecret: objectName('Secret holding the licence file. Empty: no licence.'),
      key: string('Key of the licence file in that Secret.', 'squash-tm.lic', { pattern: p.secretKey }),
    }),
    extraPlugins: objectList(
      'Extra plugin files, each mounted alone (subPath) into /opt/squash-tm/plugins beside those the image ships.',
      [] as { configMap?: string; secret?: string; key: string }[],
      {
        properties: {
          configMap: { type: 'string', pattern: p.dnsSubdomain, description: 'ConfigMap holding the file (binaryData).' },
          secret: { type: 'string', pattern: p.dnsSubdomain, description: 'Secret holding the file.' },
          key: { type: 'string', pattern: p.secretKey, description: 'Key of the file; also its name in the plugins folder.' },
        },
        // Exactly one of configMap and secret: checked in templates/validate.yaml, which can say so in words.
        required: ['key'],
      },
    ),
    startupTimeoutSeconds: integer(
      'How long the first start (schema creation, several minutes) may take before the pod is restarted.',
      600,
      { minimum: 60, maximum: 3600, multipleOf: 10 },
    ),
    extraEnv: passthrough<IEnvVar[]>(
      'Extra environment variables (Kubernetes `env` entries), e.g. Spring properties such as SPRING_MAIL_HOST.',
      [],
      {
        type: 'array',
        items: k8s.envVar,
      },
    ),
    podSecurityContext: passthrough<IPodSecurityContext>(
      'Pod security context.',
      { seccompProfile: { type: 'RuntimeDefault' } },
      k8s.podSecurityContext,
    ),
    containerSecurityContext: passthrough<ISecurityContext>(
      "Container security context. The image's user is not documented, so no UID is forced by default.",
      { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      k8s.containerSecurityContext,
    ),
    service: object('The Service in front of Squash TM.', {
      type: oneOf('Service type.', ['NodePort', 'ClusterIP', 'LoadBalancer'] as const, 'NodePort'),
      port: port('Service port.', 8080),
      nodePort: nullableInteger('Fixed node port (NodePort or LoadBalancer). Null: Kubernetes picks one.', null, {
        minimum: 30000,
        maximum: 32767,
      }),
      loadBalancerSourceRanges: stringList('Client CIDRs (IPv4 or IPv6) a LoadBalancer accepts. Empty: any.', [], {
        items: { type: 'string', pattern: p.ipCidr },
      }),
      annotations: stringMap("Annotations of the Service (e.g. a cloud load balancer's settings).", {}, { keyPattern: k8s.qualifiedKey }),
      allocateLoadBalancerNodePorts: boolean(
        'LoadBalancer only: also open node ports. Traffic to a node port bypasses `loadBalancerSourceRanges`: set false ' +
          'where the load balancer sends traffic to the pods directly (most cloud controllers in IP mode, MetalLB).',
        true,
      ),
      externalTrafficPolicy: oneOf(
        "NodePort and LoadBalancer: `Cluster` spreads traffic over every node; `Local` keeps the client's source address " +
          '(what `loadBalancerSourceRanges` and NetworkPolicies see) and answers only on the node running Squash TM.',
        ['Cluster', 'Local'] as const,
        'Cluster',
      ),
    }),
    ingress: object('An Ingress in front of the Squash TM Service.', {
      enabled: boolean('Create the Ingress.', false),
      className: string(
        'IngressClass, required when enabled: no default, because the class a cluster defaulted to was often ' +
          'ingress-nginx, retired in March 2026. Prefer `httpRoute` where the cluster runs a Gateway.',
        '',
        { pattern: p.orEmpty(p.dnsSubdomain) },
      ),
      annotations: stringMap(
        'Annotations of the Ingress (controller settings, cert-manager issuer...).',
        {},
        { keyPattern: k8s.qualifiedKey },
      ),
      hosts: stringList('Host names served (`*.` wildcards allowed; IP addresses are not).', ['squash.local'], {
        minItems: 1,
        items: { type: 'string', pattern: p.wildcardDnsName, maxLength: 253 },
      }),
      path: string('Path routed to Squash TM; its context path is /squash.', '/squash', { pattern: p.httpPath }),
      pathType: oneOf('How the path matches.', ['Prefix', 'Exact', 'ImplementationSpecific'] as const, 'Prefix'),
      tlsSecret: objectName('Secret holding the TLS certificate for all hosts. Empty: plain HTTP.'),
    }),
    httpRoute: object(
      'A Gateway API HTTPRoute (`gateway.networking.k8s.io/v1`) that attaches Squash TM to a Gateway you run: the ' +
        'successor of the Ingress now that ingress-nginx is retired. Needs the Gateway API CRDs (v1.0 or later) and a Gateway.',
      {
        enabled: boolean('Create the HTTPRoute.', false),
        annotations: stringMap('Annotations of the HTTPRoute.', {}, { keyPattern: k8s.qualifiedKey }),
        parentRefs: objectList(
          'Gateways (or one listener of each) the route attaches to: at least one when enabled.',
          [] as { name: string; namespace?: string; sectionName?: string }[],
          {
            properties: {
              name: { type: 'string', pattern: p.dnsSubdomain, maxLength: 253, description: 'Name of the Gateway.' },
              namespace: {
                type: 'string',
                pattern: p.dnsLabel,
                maxLength: 63,
                description: "Namespace of the Gateway. Omitted: the release's.",
              },
              sectionName: {
                type: 'string',
                pattern: p.dnsSubdomain,
                maxLength: 253,
                description: 'Listener of the Gateway (its name), e.g. `https`. Omitted: every listener that admits the route.',
              },
            },
            required: ['name'],
          },
        ),
        hostnames: stringList('Host names the route answers for (`*.` wildcards allowed). Empty: those of the listener.', [], {
          // IP addresses are refused in templates/validate.yaml, where the message can say why.
          items: { type: 'string', pattern: p.gatewayHostname, maxLength: 253 },
        }),
        path: string('Path prefix routed to Squash TM; its context path is /squash.', '/squash', { pattern: p.httpPath }),
        redirectRoot: boolean(
          'Also answer `/` (exactly) with a 302 redirect to `<path>/`, so the bare host name opens Squash TM. Uses the ' +
            "RequestRedirect filter's path rewrite, an extended Gateway API feature most implementations support.",
          false,
        ),
      },
    ),
    ...scheduling('Squash TM'),
  }),
});

export type ChartValues = Infer<typeof valuesDefinition>;
