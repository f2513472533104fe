// A small rendering that passes every check (schema, cross-object, Pod Security restricted). Each
// negative test breaks exactly one thing in a fresh copy and asserts the one violation it causes,
// so a checker that passes everything, or flags everything, is caught.
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from './objects';

export const goodYaml = `
apiVersion: v1
kind: Secret
metadata: { name: app-credentials, labels: { app.kubernetes.io/name: app } }
type: Opaque
data: { username: YXBw, password: ZmFrZS10ZXN0LXBhc3N3b3JkLW5vdC1zZWNyZXQ= }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: app-config }
data: { TZ: Europe/Paris }
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: default-app-data }
spec:
  storageClassName: ""
  capacity: { storage: 2Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: /data/app, type: DirectoryOrCreate }
  claimRef: { namespace: default, name: app-data }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: app-data, annotations: { helm.sh/resource-policy: keep } }
spec:
  storageClassName: ""
  volumeName: default-app-data
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
---
apiVersion: v1
kind: Service
metadata: { name: app }
spec:
  type: ClusterIP
  clusterIP: 10.96.50.50
  selector: { app.kubernetes.io/name: app, app.kubernetes.io/component: web }
  ports:
    - { name: http, port: 80, targetPort: http, protocol: TCP }
---
apiVersion: v1
kind: Service
metadata: { name: app-db }
spec:
  type: ExternalName
  externalName: db.other-ns.svc.cluster.local
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: app }
automountServiceAccountToken: false
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: app }
spec:
  ingressClassName: nginx
  tls: [{ secretName: app-tls, hosts: [app.example.com] }]
  rules:
    - host: app.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: app, port: { name: http } } } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: app }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/component: web } }
  policyTypes: [Ingress, Egress]
  ingress:
    - ports: [{ port: http, protocol: TCP }]
  egress:
    - to: [{ podSelector: { matchExpressions: [{ key: app.kubernetes.io/component, operator: In, values: [web, db] }] } }]
      ports: [{ port: 8080, protocol: TCP }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: app, labels: { app.kubernetes.io/name: app } }
spec:
  replicas: 1
  strategy: { type: Recreate }
  selector: { matchLabels: { app.kubernetes.io/name: app, app.kubernetes.io/component: web } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: app, app.kubernetes.io/component: web }
      annotations: { checksum/secret: abc123 }
    spec:
      automountServiceAccountToken: false
      serviceAccountName: app
      nodeSelector: { kubernetes.io/os: linux }
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        fsGroup: 1000
        seccompProfile: { type: RuntimeDefault }
      initContainers:
        - name: wait
          image: busybox:1.36
          command: [sh, -c, "true"]
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] }, readOnlyRootFilesystem: true }
      containers:
        - name: web
          image: registry.example.com:5000/team/web:1.2.3
          imagePullPolicy: IfNotPresent
          ports:
            - { name: http, containerPort: 8080, protocol: TCP }
          env:
            - { name: DB_HOST, value: app-db }
            - name: DB_USER
              valueFrom: { secretKeyRef: { name: app-credentials, key: username } }
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: app-credentials, key: password } }
            - name: TZ
              valueFrom: { configMapKeyRef: { name: app-config, key: TZ } }
          readinessProbe: { httpGet: { path: /ready, port: http } }
          livenessProbe: { tcpSocket: { port: 8080 } }
          resources:
            requests: { cpu: 250m, memory: 512Mi, ephemeral-storage: 1Gi }
            limits: { cpu: "1", memory: 1Gi }
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] }, readOnlyRootFilesystem: true }
          volumeMounts:
            - { name: data, mountPath: /var/lib/app }
            - { name: tmp, mountPath: /tmp }
      volumes:
        - { name: data, persistentVolumeClaim: { claimName: app-data } }
        - { name: tmp, emptyDir: { sizeLimit: 256Mi } }
`;

export function good(): KubeObject[] {
  return parseAllDocuments(goodYaml).map((d) => d.toJS() as KubeObject);
}

/** The object of a kind (and name) in a rendering; throws when absent, so a typo fails loudly. */
export function find(objects: readonly KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (!found) throw new Error(`fixture has no ${kind}${name ? `/${name}` : ''}`);
  return found;
}

/**
 * Set (or, with undefined, delete) a value by dotted path: `spec.template.spec.containers.0.image`,
 * or by a list of keys when a key holds dots (`['metadata', 'labels', 'app.kubernetes.io/name']`).
 */
export function set(target: object, path: string | string[], value: unknown): void {
  const keys = typeof path === 'string' ? path.split('.') : [...path];
  const last = keys.pop() as string;
  let node = target as Record<string, unknown>;
  for (const key of keys) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = /^\d+$/.test(key) ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Parse one inline YAML object (for tests that build a manifest from scratch). */
export const manifest = (yaml: string): KubeObject => parse(yaml) as KubeObject;

/** Rules of a list of violations, for compact assertions. */
export const rules = (violations: ReadonlyArray<{ rule: string }>): string[] => violations.map((v) => v.rule);

/** A Gateway API HTTPRoute to the good fixture's Service "app" (port 80), with a redirect from "/". */
export const routeYaml = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: app, labels: { app.kubernetes.io/name: app } }
spec:
  parentRefs: [{ name: gateway, namespace: gateway-system, sectionName: https }]
  hostnames: [app.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /app } }]
      backendRefs: [{ name: app, port: 80 }]
    - matches: [{ path: { type: Exact, value: / } }]
      filters:
        - type: RequestRedirect
          requestRedirect: { path: { type: ReplaceFullPath, replaceFullPath: /app/ }, statusCode: 302 }
`;

/** The good fixture plus the HTTPRoute. */
export const goodWithRoute = (): KubeObject[] => [...good(), parse(routeYaml) as KubeObject];
