// The chart's components and the brief's "tier" label each one carries.
export const components = {
  postgresql: { tier: 'backend' },
  database: { tier: 'backend' },
  squash: { tier: 'frontend' },
  // The `helm test` pods.
  test: { tier: 'test' },
} as const;
