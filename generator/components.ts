// The chart's components and the brief's "tier" label each one carries.
export const components = {
  postgresql: { tier: 'backend' },
  database: { tier: 'backend' },
  squash: { tier: 'frontend' },
  // The pre-upgrade Job that changes the database role's password.
  'password-rotation': { tier: 'backend' },
  // The `helm test` pods.
  test: { tier: 'test' },
} as const;
