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
  changed(
    "The database role follows its Secret's password: a password-sync container in the PostgreSQL pod replaces the pre-upgrade rotation Job",
  ),
  fixed("Generated Secrets are written by server-side apply as Helm's field manager: Helm 4 adopts them without a conflict"),
  changed('The pre-upgrade dump runs only on an upgrade that changes the Squash TM image: never at install, on a repair or under Argo CD'),
  changed('Backup retention counts scheduled and pre-upgrade dumps apart (backup.preUpgradeRetention)'),
  fixed('The backup claim binds at install on WaitForFirstConsumer classes, and every pod using it runs on one node'),
  added('Restore with kubectl alone, from a suspended restore CronJob; npm run restore is safe on timeout and Ctrl-C'),
  changed('New PostgreSQL StatefulSets use podManagementPolicy Parallel; a kernel lock replaces the fixed wait after a crash'),
  fixed('hostPath PVs are pinned to their node at creation; changing their path or node, or reclaimPolicy Delete, is refused'),
  fixed(
    'Squash TM: progress deadline above its startup budget, -Xms and _JAVA_OPTIONS heap flags, a login wait and stale Liquibase lock release',
  ),
  changed(
    'CPU and memory requests and limits on every container by default, all settable (tests.resources, postgresql.passwordSync.resources)',
  ),
  changed('app.kubernetes.io/version follows squash.image.tag'),
];

/** No line folding: a folded (`>`) annotation would be a different YAML document once unfolded. */
const asYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

export const chartMetadata = {
  apiVersion: 'v2',
  name: 'squash-tm',
  description: 'Squash TM test management with its PostgreSQL database',
  type: 'application',
  version: '0.3.0',
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
