// The single definition of the chart's values. values.yaml, values.schema.json, the README table and
// the TypeScript type `ChartValues` are all derived from it: edit here, then `npm run generate-chart`.
import {
  Infer, boolean, integer, nullableInteger, object, objectList, oneOf, passthrough, string, stringList, stringMap,
} from './model/fields';
import * as k8s from './model/k8s-schemas';
import * as p from './model/patterns';

const image = (what: string, repository: string, tag: string) =>
  object(`The ${what} container image.`, {
    repository: string('Image repository, with its registry host when not Docker Hub.', repository, {
      pattern: p.imageRepository,
    }),
    tag: string('Image tag, pinned: never `latest`.', tag, { pattern: p.imageTag, not: { const: 'latest' } }),
    pullPolicy: oneOf('When the kubelet pulls the image.', ['IfNotPresent', 'Always', 'Never'] as const, 'IfNotPresent'),
  });

const scheduling = (what: string) => ({
  nodeSelector: stringMap(`Node labels the ${what} pod must run on.`, {}, { keyPattern: k8s.qualifiedKey, valuePattern: k8s.labelValue }),
  tolerations: passthrough(`Tolerations of the ${what} pod.`, [] as object[], { type: 'array', items: { type: 'object' } }),
  affinity: passthrough(`Affinity rules of the ${what} pod.`, {}),
  priorityClassName: string(`PriorityClass of the ${what} pod. Empty: the cluster default.`, '', {
    pattern: p.orEmpty(p.dnsSubdomain),
    maxLength: 253,
  }),
});

const port = (description: string, def: number) => integer(description, def, { minimum: 1, maximum: 65535 });

export const valuesDefinition = object('Squash TM with PostgreSQL.', {
  nameOverride: string('Replaces the chart name in object names.', '', { pattern: p.orEmpty(p.serviceName), maxLength: 40 }),
  fullnameOverride: string('Replaces the release-and-chart prefix of every object name.', '', {
    pattern: p.orEmpty(p.serviceName),
    maxLength: 40,
  }),

  clusterDomain: string('DNS domain of the cluster, used to build Service FQDNs.', 'cluster.local', {
    pattern: p.dnsSubdomain,
    maxLength: 253,
  }),

  imagePullSecrets: stringList('Names of Secrets the kubelet uses to pull the images (private registries).', [], {
    items: { type: 'string', pattern: p.dnsSubdomain, maxLength: 253 },
  }),

  serviceAccount: object('The ServiceAccount the pods run as. Its API token is never mounted: neither image needs it.', {
    create: boolean('Create a dedicated ServiceAccount for the release.', false),
    name: string('Name to use. Empty: `<fullname>` when `create` is true, else the namespace\'s `default`.', '', {
      pattern: p.orEmpty(p.dnsSubdomain),
      maxLength: 253,
    }),
    annotations: stringMap('Annotations of the created ServiceAccount (e.g. a cloud IAM role).', {}, { keyPattern: k8s.qualifiedKey }),
  }),

  networkPolicy: object('NetworkPolicies (enforced only where the cluster\'s network plugin supports them).', {
    enabled: boolean('Only Squash TM (and the chart\'s test pods) may reach PostgreSQL; Squash TM accepts traffic on its HTTP port only.', true),
    restrictEgress: boolean(
      'Also restrict outgoing traffic: PostgreSQL may only resolve DNS; Squash TM may resolve DNS and reach its database. ' +
        'Off by default: Squash TM may need to reach bug trackers, LDAP or mail servers.',
      false,
    ),
  }),

  auth: object('Database credentials, shared by PostgreSQL and Squash TM through one Secret.', {
    username: string('Database user Squash TM connects as (created by PostgreSQL at first start).', 'squashtm', {
      pattern: p.pgIdentifier,
    }),
    database: string('Database name (created by PostgreSQL at first start).', 'squashtm', { pattern: p.pgIdentifier }),
    password: string(
      'Database password. Leave empty: a random 32-character password is generated at install and kept on upgrade. ' +
        'Never commit one; prefer `existingSecret`.',
      '',
    ),
    existingSecret: string(
      'Name of a Secret you manage that holds the username and password; when set, the chart creates no Secret.',
      '',
      { pattern: p.orEmpty(p.dnsSubdomain), maxLength: 253 },
    ),
    secretKeys: object('Key names inside the Secret (the chart\'s own or `existingSecret`).', {
      username: string('Key holding the database user.', 'username', { pattern: p.secretKey, maxLength: 253 }),
      password: string('Key holding the database password.', 'password', { pattern: p.secretKey, maxLength: 253 }),
      previousPassword: string(
        'With `existingSecret` only: key holding the password the database role has now, while `password` holds the new ' +
          'one. When set, every upgrade runs a pre-upgrade Job that changes the role\'s password to the new one ' +
          '(see "Rotating the database password"). Empty: no rotation Job for `existingSecret`.',
        '',
        { pattern: p.orEmpty(p.secretKey), maxLength: 253 },
      ),
    }),
  }),

  postgresql: object('The in-chart PostgreSQL server.', {
    enabled: boolean('Deploy PostgreSQL in the release. When false, set `externalDatabase.host`.', true),
    image: image('PostgreSQL', 'postgres', '17.6'),
    resources: passthrough('Container resources.', {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { memory: '1Gi' },
    }, k8s.resources),
    podSecurityContext: passthrough('Pod security context.', {
      fsGroup: 999,
      seccompProfile: { type: 'RuntimeDefault' },
    }, k8s.podSecurityContext),
    containerSecurityContext: passthrough('Container security context (the image\'s `postgres` user is UID 999).', {
      runAsUser: 999,
      runAsGroup: 999,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    }, k8s.containerSecurityContext),
    service: object('The ClusterIP Service in front of PostgreSQL.', {
      port: port('Service port.', 5432),
      clusterIP: string(
        'Fixed cluster IP (the brief\'s variant). Must lie in the cluster\'s service CIDR (minikube: 10.96.0.0/12) ' +
          'and cannot change once created. Empty: Kubernetes picks one.',
        '',
        { pattern: p.orEmpty(p.ipv4) },
      ),
    }),
    persistence: object('Where PostgreSQL keeps its data.', {
      enabled: boolean('Keep data on a PersistentVolumeClaim. When false, data lives in an emptyDir and dies with the pod.', true),
      existingClaim: string('Use this PVC instead of creating one.', '', { pattern: p.orEmpty(p.dnsSubdomain), maxLength: 253 }),
      size: string('Requested capacity (also the static PV\'s capacity).', '2Gi', { pattern: p.positiveQuantity }),
      accessModes: stringList('Access modes of the claim (and of the static PV).', ['ReadWriteOnce'], {
        minItems: 1,
        uniqueItems: true,
        items: { enum: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] },
      }),
      storageClass: string(
        'Storage class. Dynamic mode: empty means the cluster default. Static (hostPath) mode: written on both the PV ' +
          'and the PVC, empty meaning class-less.',
        '',
        { pattern: p.orEmpty(p.dnsSubdomain), maxLength: 253 },
      ),
      keep: boolean('Annotate the PVC with `helm.sh/resource-policy: keep` so `helm uninstall` leaves the data.', true),
      hostPath: object('The brief\'s static PersistentVolume on a node directory (minikube, single-node labs).', {
        enabled: boolean('Create a hostPath PersistentVolume and bind the claim to it by `volumeName`.', false),
        path: string('Directory on the node. Empty: `/data/<pv name>` (minikube keeps /data across restarts).', '', {
          pattern: p.orEmpty(p.absolutePath),
        }),
        reclaimPolicy: oneOf('What happens to the PV once its claim is deleted.', ['Retain', 'Delete'] as const, 'Retain'),
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
    host: string('DNS name of the server (e.g. `db.other-ns.svc.cluster.local`).', '', {
      pattern: p.orEmpty(p.dnsSubdomain),
      maxLength: 253,
    }),
    port: port('Server port.', 5432),
  }),

  databaseAlias: object(
    'The brief\'s ExternalName Service: a stable alias Squash TM uses as its database host, pointing at the ' +
      'in-chart PostgreSQL Service or at `externalDatabase.host`.',
    {
      enabled: boolean('Create the alias and make Squash TM connect through it.', false),
      name: string('Service name of the alias. Empty: `<fullname>-db`.', '', { pattern: p.orEmpty(p.serviceName), maxLength: 63 }),
      externalName: string(
        'DNS name the alias resolves to. Empty: the in-chart PostgreSQL Service\'s FQDN, or `externalDatabase.host`.',
        '',
        { pattern: p.orEmpty(p.dnsSubdomain), maxLength: 253 },
      ),
    },
  ),

  squash: object('The Squash TM application.', {
    image: image('Squash TM', 'squashtest/squash', '13.0.1'),
    resources: passthrough('Container resources. The JVM heap is a share of the memory limit (see `jvm`).', {
      requests: { cpu: '250m', memory: '1Gi' },
      limits: { memory: '3Gi' },
    }, k8s.resources),
    jvm: object('JVM settings, passed in `JAVA_TOOL_OPTIONS`.', {
      maxRamPercentage: integer('Heap ceiling as a percentage of the container memory limit.', 70, {
        minimum: 25,
        maximum: 90,
      }),
      options: string('Further JVM options, appended (e.g. `-Duser.language=fr`).', ''),
    }),
    timezone: string('Time zone of the application (`TZ`), e.g. `Europe/Paris`. Empty: the image\'s (UTC).', '', {
      pattern: p.orEmpty(p.timeZone),
    }),
    license: object('The Squash TM licence (commercial plugins), mounted as one file so the shipped plugins stay visible.', {
      existingSecret: string('Secret holding the licence file. Empty: no licence.', '', {
        pattern: p.orEmpty(p.dnsSubdomain),
        maxLength: 253,
      }),
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
        required: ['key'],
        oneOf: [{ required: ['configMap'] }, { required: ['secret'] }],
      },
    ),
    startupTimeoutSeconds: integer(
      'How long the first start (schema creation, several minutes) may take before the pod is restarted.',
      600,
      { minimum: 60, maximum: 3600, multipleOf: 10 },
    ),
    extraEnv: passthrough('Extra environment variables (Kubernetes `env` entries), e.g. Spring properties such as SPRING_MAIL_HOST.', [] as object[], {
      type: 'array',
      items: k8s.envVar,
    }),
    podSecurityContext: passthrough('Pod security context.', { seccompProfile: { type: 'RuntimeDefault' } }, k8s.podSecurityContext),
    containerSecurityContext: passthrough(
      'Container security context. The image\'s user is not documented, so no UID is forced by default.',
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
      loadBalancerSourceRanges: stringList('Client CIDRs a LoadBalancer accepts. Empty: any.', [], {
        items: { type: 'string', pattern: p.ipv4Cidr },
      }),
      annotations: stringMap('Annotations of the Service (e.g. a cloud load balancer\'s settings).', {}, { keyPattern: k8s.qualifiedKey }),
    }),
    ingress: object('An Ingress in front of the Squash TM Service.', {
      enabled: boolean('Create the Ingress.', false),
      className: string('IngressClass. Empty: the cluster default.', '', { pattern: p.orEmpty(p.dnsSubdomain) }),
      annotations: stringMap('Annotations of the Ingress (controller settings, cert-manager issuer...).', {}, { keyPattern: k8s.qualifiedKey }),
      hosts: stringList('Host names served.', ['squash.local'], {
        minItems: 1,
        items: { type: 'string', pattern: p.dnsSubdomain, maxLength: 253 },
      }),
      path: string('Path routed to Squash TM; its context path is /squash.', '/squash', { pattern: p.httpPath }),
      pathType: oneOf('How the path matches.', ['Prefix', 'Exact', 'ImplementationSpecific'] as const, 'Prefix'),
      tlsSecret: string('Secret holding the TLS certificate for all hosts. Empty: plain HTTP.', '', {
        pattern: p.orEmpty(p.dnsSubdomain),
        maxLength: 253,
      }),
    }),
    ...scheduling('Squash TM'),
  }),
});

export type ChartValues = Infer<typeof valuesDefinition>;
