// Formats the API server enforces but values.schema.json must check itself, so that bad values fail
// at `helm template` time instead of at `kubectl apply` time.

/** RFC 1123 label: a Service, PVC or Secret key-less object name. */
export const dnsLabel = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** RFC 1035 label: what a Service name must be (a letter first). */
export const serviceName = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
/** RFC 1123 subdomain: Secret names, ExternalName targets. */
export const dnsSubdomain = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const orEmpty = (pattern: string): string => `^$|${pattern}`;

const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const ipv4 = `^(${octet}\\.){3}${octet}$`;

/** A strictly positive Kubernetes quantity with an optional binary or decimal suffix ("2Gi", "500M"). */
export const positiveQuantity = '^(0\\.[0-9]*[1-9][0-9]*|[1-9][0-9]*(\\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$';

/** A Secret data key (the API server's rule). */
export const secretKey = '^[-._a-zA-Z0-9]+$';
/** An OCI image tag. */
export const imageTag = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';
/** An image repository: optional registry host, lowercase path components. */
export const imageRepository = '^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
/** A PostgreSQL identifier the chart can use unquoted (user and database names). */
export const pgIdentifier = '^[a-z_][a-z0-9_]{0,62}$';
/** An absolute path on a node. */
export const absolutePath = '^/[^\\0]*$';
/** An IPv4 CIDR block ("10.0.0.0/8"). */
export const ipv4Cidr = `^(${octet}\\.){3}${octet}/(3[0-2]|[12]?[0-9])$`;
/** An Ingress path: absolute, no spaces. */
export const httpPath = '^/[^\\s]*$';
/** An IANA time zone name ("Europe/Paris", "UTC"). */
export const timeZone = '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$';
/**
 * A CronJob schedule: five cron fields (numbers, names such as MON or JAN, `* / , - ?`), or one of the
 * macros the CronJob controller knows. `CRON_TZ=` and `TZ=` prefixes are refused (use `timeZone`).
 */
export const cronSchedule =
  '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*?/,-]+( +[0-9A-Za-z*?/,-]+){4})$';
