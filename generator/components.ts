// The chart's components and the "tier" label (frontend, backend, test) each one carries.
export const components = {
  postgresql: { tier: 'backend' },
  database: { tier: 'backend' },
  squash: { tier: 'frontend' },
  // The backup CronJob, the pre-upgrade dump and the restore Job's pods: clients of the database.
  backup: { tier: 'backend' },
  // The suspended CronJob that restore Jobs are created from (its pods are "backup" pods).
  restore: { tier: 'backend' },
  // The pre-install/pre-upgrade Job that creates the generated Secrets once, in the cluster.
  'secret-generator': { tier: 'backend' },
  // The `helm test` pods.
  test: { tier: 'test' },
  // The egress NetworkPolicy of the chart's short-lived client pods (test, backup).
  clients: { tier: 'backend' },
} as const;
