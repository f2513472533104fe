// Formats the API server enforces but the chart must check itself, so that bad values fail at
// `helm template` time instead of at `kubectl apply` time.

// The Kubernetes formats themselves live in k8s-formats.ts, shared with the validator; this module
// adds the chart's own (PostgreSQL identifiers, paths, time zones, secrets), each with its rule in
// words (`format`), under the names values.ts uses.
import * as k8s from './k8s-formats';
import { format } from './k8s-formats';

export {
  dnsLabel,
  dnsSubdomain,
  imageRepository,
  imageTag,
  ipAddress,
  ipCidr,
  ipv4,
  ipv4Cidr,
  orEmpty,
  positiveQuantity,
  portName,
} from './k8s-formats';
/** RFC 1035 label: what a Service name must be (a letter first). */
export const serviceName = k8s.dns1035Label;
/** A Secret data key (the API server's rule). */
export const secretKey = k8s.configMapKey;
/**
 * A PostgreSQL role or database name (63 bytes at most). The chart never writes one into SQL: the
 * image's entrypoint quotes them (`CREATE DATABASE :"db"`) and the scripts pass them in PGUSER and
 * PGDATABASE, so hyphens and capitals work; a first letter or "_" keeps them valid unquoted in psql too.
 */
export const pgIdentifier = format('^[A-Za-z_][A-Za-z0-9_-]{0,62}$', {
  id: 'postgresql-name',
  name: 'a PostgreSQL name',
  rule: '1 to 63 letters, digits, "_" and "-", starting with a letter or "_"',
  example: 'squashtm',
});
/** A DNS name, or a wildcard "*." followed by one: an Ingress or Gateway host (IP addresses are refused separately). */
export const wildcardDnsName = format('^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', {
  id: 'host-name',
  name: 'a host name',
  rule: 'a lowercase DNS name (letters, digits, "-" and "."), optionally starting with "*." for a wildcard',
  example: 'squash.example.com',
});
/** A Gateway API hostname: the same rule as an Ingress host. */
export const gatewayHostname = wildcardDnsName;
/** An absolute path on a node. */
export const absolutePath = format('^/[^\\0]*$', {
  id: 'absolute-path',
  name: 'an absolute path',
  rule: 'a path starting with "/"',
  example: '/data/squash-postgresql',
});
/** An Ingress path: absolute, no spaces. */
export const httpPath = format('^/[^\\s]*$', {
  id: 'http-path',
  name: 'an HTTP path',
  rule: 'a path starting with "/", without spaces',
  example: '/squash',
});
/** An IANA time zone name ("Europe/Paris", "UTC"). */
export const timeZone = format('^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$', {
  id: 'time-zone',
  name: 'a time zone name',
  rule: 'parts of letters, digits, "_", "+" and "-" separated by "/", as in the IANA database, starting with a letter; no spaces',
  example: 'Europe/Paris',
});
/**
 * A CronJob schedule: five cron fields (numbers, names such as MON or JAN, `* / , - ?`), or one of the
 * macros the CronJob controller knows. `CRON_TZ=` and `TZ=` prefixes are refused (use `timeZone`).
 */
export const cronSchedule = format(
  '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*?/,-]+( +[0-9A-Za-z*?/,-]+){4})$',
  {
    id: 'cron-schedule',
    name: 'a cron schedule',
    rule:
      'five fields separated by spaces (minute, hour, day of month, month, day of week), each made of digits, names ' +
      '(MON, JAN), "*", "?", "/", "," and "-"; or one of @yearly, @monthly, @weekly, @daily, @hourly. A time zone goes in backup.timeZone',
    example: '0 3 * * *',
  },
);
/** A JVM memory size in the JVM's own units ("1536m", "2g"). */
export const jvmSize = format('^[1-9][0-9]{0,6}[mg]$', {
  id: 'jvm-size',
  name: 'a JVM size',
  rule: 'a whole number followed by the JVM\'s own unit, "m" (MiB) or "g" (GiB); not Kubernetes units such as "Mi" or "Gi"',
  example: '1536m',
});
/** Base64 of at least 64 bytes (512 bits): the JWT signing key Squash TM needs. */
export const base64Of64Bytes = format('^[A-Za-z0-9+/]{86,}={0,2}$', {
  id: 'base64-512-bits',
  name: 'base64 of at least 64 bytes',
  rule: 'at least 86 characters among letters, digits, "+" and "/", then at most two "=", on one line',
  example: `${'QUJD'.repeat(22)}`,
  fix: 'generate one with: openssl rand -base64 64 | tr -d "\\n"',
  secret: true,
});
/** A secret of 16 characters or more, without white space. */
export const longSecret = format('^\\S{16,}$', {
  id: 'long-secret',
  name: 'a secret of at least 16 characters',
  rule: 'at least 16 characters, without spaces, tabs or line breaks',
  example: 'fake-crypto-secret-not-secret',
  fix: 'generate one with: openssl rand -hex 32',
  secret: true,
});
