// Rules that span several values. They are compiled into a generated Helm template
// (chart/templates/_value-checks.tpl, included by templates/validate.yaml) whose `fail` prints the
// message: `helm template` and `helm install` refuse the combination, naming the keys, the rule and
// the fix (`helm lint` only logs a template `fail`). Helm merges the chart's defaults into the
// user's values before templates run, so a rule sees the merged values (as the schema did).
import { all, any, empty, filled, is, not, someItemFieldIn, someItemNotIn, ValueRule } from './model/conditions';

/** Variables the Squash TM container already sets; a duplicate breaks Helm 4's server-side apply. */
export const squashReservedEnv = [
  'SPRING_PROFILES_ACTIVE',
  'SPRING_DATASOURCE_URL',
  'SPRING_DATASOURCE_USERNAME',
  'SPRING_DATASOURCE_PASSWORD',
  'SQTM_DB_TYPE',
  'SQTM_DB_HOST',
  'SQTM_DB_PORT',
  'SQTM_DB_NAME',
  'SQTM_DB_USERNAME',
  'SQTM_DB_PASSWORD',
  'SQUASH_JAVA_ARGS',
  '_JAVA_OPTIONS',
  'SQUASH_REST_API_JWT_SECRET',
  'SQUASH_CRYPTO_SECRET',
  'TZ',
];

export const valueRules: ValueRule[] = [
  {
    violation: all(is('postgresql.enabled', false), empty('externalDatabase.host')),
    message:
      'externalDatabase.host is empty while postgresql.enabled is false: Squash TM needs a database. ' +
      "Set externalDatabase.host to your PostgreSQL server's DNS name, or set postgresql.enabled=true.",
  },
  {
    violation: all(is('postgresql.enabled', false), empty('auth.existingSecret'), empty('auth.password')),
    message:
      'auth.existingSecret is empty while postgresql.enabled is false: the chart cannot invent the password of an ' +
      'external database. Set auth.existingSecret to a Secret holding its username and password.',
  },
  {
    violation: all(filled('auth.existingSecret'), filled('auth.password')),
    message: 'auth.password and auth.existingSecret are both set: the password would be ignored. Keep only auth.existingSecret.',
  },
  {
    violation: all(
      empty('auth.existingSecret'),
      any(is('auth.secretKeys.username', 'database'), is('auth.secretKeys.password', 'database')),
    ),
    message: 'auth.secretKeys: "database" is the key the chart\'s Secret keeps the database name under; choose another key name.',
  },
  {
    violation: all(filled('squash.secrets.existingSecret'), any(filled('squash.secrets.jwtSecret'), filled('squash.secrets.cryptoSecret'))),
    message:
      'squash.secrets.jwtSecret or squash.secrets.cryptoSecret is set together with squash.secrets.existingSecret: the ' +
      'values would be ignored. Keep only squash.secrets.existingSecret.',
  },
  {
    violation: all(is('postgresql.persistence.hostPath.enabled', true), filled('postgresql.persistence.existingClaim')),
    message:
      'postgresql.persistence.hostPath.enabled and postgresql.persistence.existingClaim are both set: the static volume ' +
      "is bound to the chart's own claim. Use one or the other.",
  },
  {
    violation: all(is('postgresql.persistence.hostPath.enabled', true), is('postgresql.persistence.enabled', false)),
    message:
      'postgresql.persistence.hostPath.enabled is true while postgresql.persistence.enabled is false: enable ' +
      'persistence or drop the hostPath volume.',
  },
  {
    violation: all(
      is('postgresql.persistence.hostPath.enabled', true),
      someItemNotIn('postgresql.persistence.accessModes', ['ReadWriteOnce']),
    ),
    message:
      'postgresql.persistence.accessModes must be [ReadWriteOnce] with postgresql.persistence.hostPath.enabled: ' +
      'a hostPath volume lives on one node.',
  },
  {
    violation: all(is('postgresql.persistence.hostPath.enabled', true), is('postgresql.persistence.hostPath.reclaimPolicy', 'Delete')),
    message:
      'postgresql.persistence.hostPath.reclaimPolicy is Delete, which never deletes a hostPath directory: Kubernetes ' +
      "has a hostPath deleter only with kube-controller-manager's --enable-hostpath-provisioner, and it removes /tmp/... " +
      'only, so the PV goes Failed and the data stay on the node. Keep Retain, and after deleting the claim delete the PV ' +
      'and the directory yourself (chart README, section "Uninstall and your data").',
  },
  {
    violation: all(filled('postgresql.service.clusterIP'), is('postgresql.enabled', false)),
    message: 'postgresql.service.clusterIP is set while postgresql.enabled is false: there is no PostgreSQL Service to give it to.',
  },
  {
    violation: all(is('squash.service.type', 'ClusterIP'), filled('squash.service.nodePort')),
    message: 'squash.service.nodePort is set while squash.service.type is ClusterIP: a node port needs type NodePort or LoadBalancer.',
  },
  {
    violation: all(filled('squash.service.loadBalancerSourceRanges'), not(is('squash.service.type', 'LoadBalancer'))),
    message:
      'squash.service.loadBalancerSourceRanges is set while squash.service.type is not LoadBalancer: only a load ' +
      'balancer filters client addresses. Set squash.service.type=LoadBalancer or drop the ranges.',
  },
  // Settings a Service type ignores: the template leaves them out, so only a changed default fires these.
  {
    violation: all(is('squash.service.type', 'ClusterIP'), is('squash.service.externalTrafficPolicy', 'Local')),
    message:
      'squash.service.externalTrafficPolicy is Local while squash.service.type is ClusterIP: only NodePort and ' +
      'LoadBalancer Services have one, so it would be ignored. Set squash.service.type=NodePort or LoadBalancer, or remove it.',
  },
  {
    violation: all(is('squash.service.allocateLoadBalancerNodePorts', false), not(is('squash.service.type', 'LoadBalancer'))),
    message:
      'squash.service.allocateLoadBalancerNodePorts is false while squash.service.type is not LoadBalancer: it would be ' +
      'ignored (a NodePort Service is its node ports). Set squash.service.type=LoadBalancer, or remove it.',
  },
  {
    violation: all(is('squash.ingress.enabled', true), empty('squash.ingress.className')),
    message:
      'squash.ingress.className is empty while squash.ingress.enabled is true: name the IngressClass of a maintained ' +
      'controller (kubectl get ingressclass), or use squash.httpRoute with a Gateway instead.',
  },
  {
    violation: all(is('squash.httpRoute.enabled', true), empty('squash.httpRoute.parentRefs')),
    message:
      'squash.httpRoute.parentRefs is empty while squash.httpRoute.enabled is true: a route attached to no Gateway ' +
      'serves nothing. Set squash.httpRoute.parentRefs to [{name: <gateway>, namespace: <its namespace>}].',
  },
  {
    violation: someItemFieldIn('squash.extraEnv', 'name', squashReservedEnv),
    message:
      `squash.extraEnv sets a variable the chart already sets (${squashReservedEnv.join(', ')}): server-side apply ` +
      "rejects duplicates. Use the chart's own values (auth, squash.jvm, squash.secrets, squash.timezone) instead.",
  },
  {
    violation: all(
      is('backup.enabled', true),
      is('backup.persistence.enabled', true),
      empty('backup.persistence.existingClaim'),
      someItemNotIn('backup.persistence.accessModes', ['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany']),
    ),
    message:
      'backup.persistence.accessModes includes ReadWriteOncePod: only one pod could ever use the claim, while the anchor pod ' +
      '(PostgreSQL, or Squash TM with an external database) lists it and every dump and restore pod mounts it. ' +
      "Use [ReadWriteOnce] (the dump pods then run on the anchor's node) or [ReadWriteMany].",
  },
  {
    violation: all(is('backup.enabled', true), is('backup.persistence.enabled', false), empty('backup.persistence.existingClaim')),
    message:
      'backup.enabled is true but backup.persistence.enabled is false and backup.persistence.existingClaim is empty: the ' +
      'dumps need a claim. Set backup.persistence.enabled=true or backup.persistence.existingClaim to a PVC you manage.',
  },
];
