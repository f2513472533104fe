// The chart's components and the brief's "tier" label each one carries.
export const components = {
  postgresql: { tier: 'backend' },
  database: { tier: 'backend' },
  squash: { tier: 'frontend' },
  // The backup CronJob, the pre-upgrade dump and the restore Job: clients of the database.
  backup: { tier: 'backend' },
  // The `helm test` pods.
  test: { tier: 'test' },
} as const;
