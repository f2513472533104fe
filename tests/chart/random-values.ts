// Random values for the property test: a seeded generator that changes a few values keys at a time,
// each to a value drawn from the key's own schema (enums, booleans, integer bounds and one step past
// them, lists, maps) or from pools of plausible and implausible strings. The schema and the
// templates decide which draws are valid; the property test checks what they accept.
import { walk, Field } from '../../generator/model/fields';
import { describeFormat } from '../../generator/model/k8s-formats';
import { valuesDefinition } from '../../generator/values';

export type Random = () => number;

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const names = ['', 'squash', 'my-name', 'a.b.c', 'x1', 'yes', 'null', 'on-call', '123', 'Bad_Name', 'a'.repeat(64), 'z'];
/** String pools chosen by the key's last segment; `names` for the others. */
const stringPools: Array<[RegExp, string[]]> = [
  [/^(host|externalName)$/, ['', 'db.example.com', 'pg.shared.svc.cluster.local', 'localhost', '10.20.30.40', `${'h'.repeat(64)}.example.com`, 'Db.Example.com']],
  [/^clusterIP$/, ['', '10.96.100.100', 'fd00:10:96::100', '10.96.0.300', ':::1', '10.096.1.1']],
  [/^clusterDomain$/, ['cluster.local', 'corp.internal', '', 'Cluster.Local']],
  [/^path$/, ['', '/', '/squash', '/data', '/data/squash/pg', '/etc/pg', '/data/../etc', 'relative', '/tm p']],
  [/^(size)$/, ['1Gi', '500M', '0', '1.5Gi', '2gi', '-1Gi', '10Ti']],
  [/^schedule$/, ['0 3 * * *', '@daily', '*/15 * * * *', 'daily', '0 3 * *']],
  [/^(timeZone|timezone)$/, ['', 'Europe/Paris', 'UTC', 'America/Argentina/Buenos_Aires', 'Not A Zone']],
  [/^tag$/, ['13.0.1', '17.6', 'latest', '', '15.0.0-jre', 'v1.2.3_beta']],
  [/^repository$/, ['postgres', 'squashtest/squash', 'registry.example.com:5000/team/squash', 'Upper/Case', '']],
  [/^password$/, ['', 'fake-test-password-not-secret', 'fake pass\n', "fake 'quoted' \"pw\" $HOME-not-secret", 'password']],
  [/^(database|username)$/, ['squashtm', 'squash-tm', 'Squash_TM', 'pg_squash', 'template1', '1squash', 'a'.repeat(64)]],
  [/^jwtSecret$/, ['', Buffer.from('fake-jwt-secret-for-tests-not-secret-'.repeat(2)).toString('base64'), 'short']],
  [/^cryptoSecret$/, ['', 'fake-crypto-secret-for-tests-not-secret', 'short', 'has space in it not secret']],
  [/^(heap)$/, ['', '512m', '2g', '1536m', '4096', '0m']],
  [/^options$/, ['', '-Duser.language=fr', '-XX:+UseG1GC -Dfile.encoding=UTF-8']],
  [/^(fullnameOverride|nameOverride)$/, ['', 'squash', 'sq', 'yes', 'x'.repeat(50), 'x'.repeat(51), '9lives', 'Bad']],
];

const resources = [
  {}, { limits: { memory: '2Gi' } }, { requests: { cpu: '2' }, limits: { cpu: '1' } }, { requests: { memory: '4Gi' } },
  { limits: { memory: '512Mi', cpu: '500m' } }, { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '4Gi' } },
  { requests: { memory: '1x' } }, { limits: { memory: 3221225472 } },
];
/** Candidates for list and object keys, by the key's last segment. */
const structured: Record<string, unknown[]> = {
  resources,
  extraEnv: [
    [], [{ name: 'SPRING_MAIL_HOST', value: 'mail.example.com' }], [{ name: 'A', value: '1' }, { name: 'A', value: '2' }],
    [{ name: 'SPRING_DATASOURCE_URL', value: 'x' }], [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], [{ value: 'x' }],
  ],
  extraPlugins: [[], [{ secret: 'plugins', key: 'a.jar' }], [{ key: 'a.jar' }], [{ secret: 'p', configMap: 'p', key: 'a.jar' }]],
  parentRefs: [[], [{ name: 'gateway' }], [{ name: 'gateway', namespace: 'gateway-system', sectionName: 'https' }], [{ namespace: 'x' }]],
  extraPeers: [[], [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }], [{ ipBlock: { cidr: '10.0.0.0/8' } }], [{}]],
  tolerations: [[], [{ key: 'dedicated', operator: 'Equal', value: 'squash', effect: 'NoSchedule' }]],
  affinity: [{}],
  podSecurityContext: [{}, { fsGroup: 999 }, { runAsUser: 'root' }],
  containerSecurityContext: [{}, { runAsNonRoot: true }, { privileged: true }],
  global: [{}, { imageRegistry: 'x' }],
};
const maps = [{}, { 'kubernetes.io/os': 'linux' }, { 'example.com/team': 'qa' }, { 'Bad Key': 'x' }, { tier: 'true' }];
const lists = ['squash.example.com', '*.example.com', '192.168.1.10', '10.0.0.0/8', '2001:db8::/32', 'ReadWriteOnce', 'ReadWriteMany', 'regcred', 'Bad_Host'];

/** A valid value of the field's format (generator/model/k8s-formats.ts), beside the default and the pool. */
function formatExample(field: Field<unknown>): string[] {
  const words = field.schema.pattern === undefined ? undefined : describeFormat(field.schema.pattern);
  return words ? [words.example] : [];
}

function draw(random: Random, key: string, field: Field<unknown>): unknown {
  const schema = field.schema;
  if (schema.enum) return pick(random, schema.enum as unknown[]);
  if (structured[key]) return pick(random, structured[key] as unknown[]);
  switch (field.typeName) {
    case 'boolean':
      return random() < 0.5;
    case 'integer':
    case 'integer or null': {
      const min = (schema.minimum as number | undefined) ?? 0;
      const max = (schema.maximum as number | undefined) ?? min + 10000;
      const inside = min + Math.floor(random() * (max - min + 1));
      return pick(random, [field.default, min, max, inside, inside, min - 1, max + 1, ...(field.typeName === 'integer or null' ? [null] : [])]);
    }
    case 'string':
      return pick(random, stringPools.find(([re]) => re.test(key))?.[1] ?? [field.default as string, ...formatExample(field), ...names]);
    case 'map of strings':
      return pick(random, maps);
    case 'list of strings': {
      const n = Math.floor(random() * 3);
      return Array.from({ length: n }, () => pick(random, lists));
    }
    default:
      return field.default;
  }
}

/** Every settable key: the fields without children. */
const leaves: Array<{ path: string[]; field: Field<unknown> }> = [];
walk(valuesDefinition, (path, field) => {
  if (!field.properties && path.length > 0) leaves.push({ path, field });
});

/** Coherent starting points, so that draws also reach the optional parts of the chart. */
const presets: object[] = [
  {},
  { postgresql: { enabled: false }, externalDatabase: { host: 'pg.shared.svc.cluster.local' }, auth: { existingSecret: 'shared-pg' } },
  { squash: { ingress: { enabled: true, className: 'traefik' } } },
  { squash: { httpRoute: { enabled: true, parentRefs: [{ name: 'gateway' }] } }, networkPolicy: { squash: { anySource: false } } },
  { backup: { enabled: true } },
  { postgresql: { persistence: { hostPath: { enabled: true } } } },
  { databaseAlias: { enabled: true } },
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** One values override: a preset, then 1 to 6 keys set to drawn values. */
export function randomValues(random: Random): Record<string, unknown> {
  const values = structuredClone(pick(random, presets)) as Record<string, unknown>;
  const changes = 1 + Math.floor(random() * 6);
  for (let i = 0; i < changes; i++) {
    const { path, field } = pick(random, leaves);
    setPath(values, path, draw(random, path[path.length - 1] as string, field));
  }
  return values;
}
