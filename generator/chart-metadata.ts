// Chart.yaml. appVersion follows the Squash TM image the chart deploys by default.
import { stringify } from 'yaml';
import { hashHeader } from './emit/header';
import { valuesDefinition } from './values';

/** The Kubernetes minors the test suite renders and validates against: oldest and newest supported. */
export const supportedKubernetes = { oldest: '1.29.0', newest: '1.35.0' } as const;

export function renderChartYaml(): string {
  const chart = {
    apiVersion: 'v2',
    name: 'squash-tm',
    description: 'Squash TM test management with its PostgreSQL database',
    type: 'application',
    version: '0.1.0',
    appVersion: valuesDefinition.default.squash.image.tag,
    kubeVersion: `>=${supportedKubernetes.oldest}-0 <1.36.0-0`,
    keywords: ['squash-tm', 'test-management', 'postgresql'],
  };
  return hashHeader + stringify(chart);
}
