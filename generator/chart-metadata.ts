// Chart.yaml. appVersion follows the Squash TM image the chart deploys by default. The chart's own
// README (emit/chart-readme.ts) reads the same metadata, so the two never disagree.
import { stringify } from 'yaml';
import { hashHeader } from './emit/header';
import { valuesDefinition } from './values';

/** The Kubernetes minors the test suite renders and validates against: oldest and newest supported. */
export const supportedKubernetes = { oldest: '1.29.0', newest: '1.37.0' } as const;

const defaults = valuesDefinition.default;

/** The images the default values pull, as Artifact Hub lists them. */
export const chartImages = [
  { name: 'squash', image: `${defaults.squash.image.repository}:${defaults.squash.image.tag}` },
  { name: 'postgresql', image: `${defaults.postgresql.image.repository}:${defaults.postgresql.image.tag}` },
];

export const chartLinks = [
  { name: 'Squash TM documentation', url: 'https://tm-en.doc.squashtest.com' },
  { name: 'Squash TM source', url: 'https://gitlab.com/henixdevelopment/open-source/squash-tm' },
  { name: 'Squash TM image', url: 'https://hub.docker.com/r/squashtest/squash' },
  { name: 'PostgreSQL image', url: 'https://hub.docker.com/_/postgres' },
  { name: 'Gateway API', url: 'https://gateway-api.sigs.k8s.io' },
];

// Artifact Hub's change kinds, so that each entry below reads as what happened to the chart.
const added = (description: string) => ({ kind: 'added', description });
const changed = (description: string) => ({ kind: 'changed', description });
const fixed = (description: string) => ({ kind: 'fixed', description });

/** What this chart version changed, in Artifact Hub's `artifacthub.io/changes` form. */
export const chartChanges = [
  changed('kubeVersion has a floor (1.29) and no upper bound: Kubernetes 1.36, 1.37 and later install'),
  added('Gateway API HTTPRoute (squash.httpRoute), and NetworkPolicy sources for the gateway (networkPolicy.squash)'),
  changed('squash.ingress.className is required when the Ingress is enabled (ingress-nginx is retired)'),
  fixed('The values schema accepts global, so the chart works as a subchart'),
  added('The chart carries its README (helm show readme), with the operations guide'),
  added('Squash TM gets both database variable families (SPRING_*, SQTM_DB_*) and a heap computed from its memory limit'),
  added('Generated JWT and crypto secrets for Squash TM; changing the crypto secret of a live release is refused'),
  changed('Generated secrets are made once in the cluster by a pre-install/pre-upgrade hook Job, never templated (GitOps-safe)'),
  added('Scheduled backups with retention, a dump before an upgrade that changes the Squash TM image, and a restore procedure (backup.*)'),
  added("The database role follows its Secret's password (password-sync container); a PostgreSQL major-version guard"),
  changed('PostgreSQL runs in a StatefulSet by default (postgresql.workload), so one server owns its data'),
  added('OpenShift support (openshift.fixedIds), init container resources, storage-change guards, /dev/shm'),
  changed('Values are checked key by key: refusals name the key and the fix; keys of other charts are mapped'),
];

/** No line folding: a folded (`>`) annotation would be a different YAML document once unfolded. */
const asYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

export const chartMetadata = {
  apiVersion: 'v2',
  name: 'squash-tm',
  description: 'Squash TM test management with its PostgreSQL database',
  type: 'application',
  version: '0.2.0',
  appVersion: defaults.squash.image.tag,
  // A floor and no ceiling: a new minor installs unless it removes an API the chart uses (the
  // validator's removed-API table says which), instead of being refused outright on release day.
  kubeVersion: `>=${supportedKubernetes.oldest}-0`,
  keywords: ['squash-tm', 'test-management', 'postgresql'],
  home: 'https://www.squashtest.com',
  sources: [
    'https://gitlab.com/henixdevelopment/open-source/squash-tm',
    'https://hub.docker.com/r/squashtest/squash',
    'https://hub.docker.com/_/postgres',
  ],
  icon: 'https://www.squashtest.com/images/logo-squash.svg',
  maintainers: [{ name: 'Squash TM chart maintainers' }],
  annotations: {
    'artifacthub.io/license': 'MIT',
    // Artifact Hub reads these annotations as YAML documents held in strings.
    'artifacthub.io/images': asYaml(chartImages),
    'artifacthub.io/links': asYaml(chartLinks),
    'artifacthub.io/changes': asYaml(chartChanges),
  },
};

export function renderChartYaml(): string {
  return hashHeader + stringify(chartMetadata, { lineWidth: 0 });
}
