// Chart.yaml. appVersion follows the Squash TM image the chart deploys by default.
import { stringify } from 'yaml';
import { hashHeader } from './emit/header';
import { valuesDefinition } from './values';

/** The Kubernetes minors the test suite renders and validates against: oldest and newest supported. */
export const supportedKubernetes = { oldest: '1.29.0', newest: '1.35.0' } as const;

export function renderChartYaml(): string {
  const defaults = valuesDefinition.default;
  const chart = {
    apiVersion: 'v2',
    name: 'squash-tm',
    description: 'Squash TM test management with its PostgreSQL database',
    type: 'application',
    version: '0.1.0',
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
      'artifacthub.io/images': stringify([
        { name: 'squash', image: `${defaults.squash.image.repository}:${defaults.squash.image.tag}` },
        { name: 'postgresql', image: `${defaults.postgresql.image.repository}:${defaults.postgresql.image.tag}` },
      ]),
      'artifacthub.io/links': stringify([{ name: 'Squash TM documentation', url: 'https://tm-en.doc.squashtest.com' }]),
    },
  };
  return hashHeader + stringify(chart);
}
