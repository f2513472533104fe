// Keys users bring from other PostgreSQL charts (bitnami/postgresql and charts built on it). The
// schema lets them through so that templates/_foreign-keys.tpl can refuse each with a pointer to
// this chart's own key, instead of a bare "additional property not allowed".
export interface ForeignKey {
  /** Dotted path of the parent object ('' for the root). */
  parent: string;
  key: string;
  /** What to use instead, in words. */
  instead: string;
}

/** Per parent object ('' for the root): each foreign key, and what to use instead in words. */
const byParent: Record<string, Record<string, string>> = {
  '': {
    architecture: 'this chart runs one PostgreSQL server (no replication): remove architecture',
    primary:
      'the PostgreSQL server is configured under postgresql.* (postgresql.persistence, postgresql.resources, postgresql.nodeSelector...)',
    readReplicas: 'this chart runs one PostgreSQL server (no read replicas): remove readReplicas',
    replicaCount: 'Squash TM runs one replica (its sessions are local): remove replicaCount',
    image: 'images are set per component: squash.image and postgresql.image',
    resources: 'resources are set per component: squash.resources and postgresql.resources',
    persistence: 'the database volume is postgresql.persistence (and backups: backup.persistence)',
    service: "Squash TM's Service is squash.service, PostgreSQL's postgresql.service",
    ingress: 'use squash.ingress (or squash.httpRoute)',
  },
  auth: {
    postgresPassword:
      "the chart never uses the postgres superuser: set auth.password (the Squash TM user's), or better auth.existingSecret",
    enablePostgresUser: 'the chart never uses the postgres superuser: remove auth.enablePostgresUser',
    replicationPassword: 'this chart has no replication: remove auth.replicationPassword',
  },
  postgresql: {
    auth: 'database credentials are top-level: auth.username, auth.database, auth.password, auth.existingSecret',
    primary: "the server's settings sit directly under postgresql.* (postgresql.persistence, postgresql.resources...)",
    architecture: 'this chart runs one PostgreSQL server: remove postgresql.architecture',
  },
  externalDatabase: {
    user: 'the user and password come from auth.existingSecret (keys auth.secretKeys.username and auth.secretKeys.password)',
    password: 'the password comes from auth.existingSecret (key auth.secretKeys.password)',
    existingSecret: 'use auth.existingSecret',
    database: 'use auth.database',
  },
};

export const foreignKeys: ForeignKey[] = Object.entries(byParent).flatMap(([parent, keys]) =>
  Object.entries(keys).map(([key, instead]) => ({ parent, key, instead })),
);

export const foreignKeyPath = (k: ForeignKey): string => (k.parent ? `${k.parent}.${k.key}` : k.key);
