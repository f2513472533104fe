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

export const foreignKeys: ForeignKey[] = [
  { parent: '', key: 'architecture', instead: 'this chart runs one PostgreSQL server (no replication): remove architecture' },
  {
    parent: '',
    key: 'primary',
    instead:
      'the PostgreSQL server is configured under postgresql.* (postgresql.persistence, postgresql.resources, postgresql.nodeSelector...)',
  },
  { parent: '', key: 'readReplicas', instead: 'this chart runs one PostgreSQL server (no read replicas): remove readReplicas' },
  { parent: '', key: 'replicaCount', instead: 'Squash TM runs one replica (its sessions are local): remove replicaCount' },
  { parent: '', key: 'image', instead: 'images are set per component: squash.image and postgresql.image' },
  { parent: '', key: 'resources', instead: 'resources are set per component: squash.resources and postgresql.resources' },
  { parent: '', key: 'persistence', instead: 'the database volume is postgresql.persistence (and backups: backup.persistence)' },
  { parent: '', key: 'service', instead: "Squash TM's Service is squash.service, PostgreSQL's postgresql.service" },
  { parent: '', key: 'ingress', instead: 'use squash.ingress (or squash.httpRoute)' },
  {
    parent: 'auth',
    key: 'postgresPassword',
    instead: "the chart never uses the postgres superuser: set auth.password (the Squash TM user's), or better auth.existingSecret",
  },
  { parent: 'auth', key: 'enablePostgresUser', instead: 'the chart never uses the postgres superuser: remove auth.enablePostgresUser' },
  { parent: 'auth', key: 'replicationPassword', instead: 'this chart has no replication: remove auth.replicationPassword' },
  {
    parent: 'postgresql',
    key: 'auth',
    instead: 'database credentials are top-level: auth.username, auth.database, auth.password, auth.existingSecret',
  },
  {
    parent: 'postgresql',
    key: 'primary',
    instead: "the server's settings sit directly under postgresql.* (postgresql.persistence, postgresql.resources...)",
  },
  { parent: 'postgresql', key: 'architecture', instead: 'this chart runs one PostgreSQL server: remove postgresql.architecture' },
  {
    parent: 'externalDatabase',
    key: 'user',
    instead: 'the user and password come from auth.existingSecret (keys auth.secretKeys.username and auth.secretKeys.password)',
  },
  { parent: 'externalDatabase', key: 'password', instead: 'the password comes from auth.existingSecret (key auth.secretKeys.password)' },
  { parent: 'externalDatabase', key: 'existingSecret', instead: 'use auth.existingSecret' },
  { parent: 'externalDatabase', key: 'database', instead: 'use auth.database' },
];

export const foreignKeyPath = (k: ForeignKey): string => (k.parent ? `${k.parent}.${k.key}` : k.key);
