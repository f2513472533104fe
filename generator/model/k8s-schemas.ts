// Schemas for the Kubernetes-shaped blocks the chart passes through (resources, security contexts,
// env entries, label maps), so that a typo or a wrong type fails at `helm template` time instead of
// at the API server. Field lists follow the Kubernetes API (core/v1).
import { JsonSchema } from './fields';
import * as formats from './k8s-formats';

/** A Kubernetes resource quantity: a positive number with an optional suffix ("500m", "2Gi", 1). */
const quantity: JsonSchema = {
  anyOf: [
    { type: 'string', pattern: formats.positiveResourceQuantity },
    { type: 'number', exclusiveMinimum: 0 },
  ],
};

const resourceList: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: quantity, memory: quantity, 'ephemeral-storage': quantity },
};

export const resources: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { requests: resourceList, limits: resourceList },
};

const id: JsonSchema = { type: 'integer', minimum: 0, maximum: 2147483647 };
const seccompProfile: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] }, localhostProfile: { type: 'string' } },
};
const seLinuxOptions: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { level: { type: 'string' }, role: { type: 'string' }, type: { type: 'string' }, user: { type: 'string' } },
};
const appArmorProfile: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] }, localhostProfile: { type: 'string' } },
};
const capabilityList: JsonSchema = { type: 'array', items: { type: 'string', pattern: formats.capability } };

/** Fields a pod and a container security context share. */
const sharedSecurityFields: Record<string, JsonSchema> = {
  runAsUser: id,
  runAsGroup: id,
  runAsNonRoot: { type: 'boolean' },
  seccompProfile,
  seLinuxOptions,
  appArmorProfile,
};

export const podSecurityContext: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...sharedSecurityFields,
    fsGroup: id,
    fsGroupChangePolicy: { enum: ['OnRootMismatch', 'Always'] },
    supplementalGroups: { type: 'array', items: id },
    supplementalGroupsPolicy: { enum: ['Merge', 'Strict'] },
    sysctls: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'value'],
        properties: { name: { type: 'string' }, value: { type: 'string' } },
      },
    },
  },
};

export const containerSecurityContext: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...sharedSecurityFields,
    privileged: { type: 'boolean' },
    allowPrivilegeEscalation: { type: 'boolean' },
    readOnlyRootFilesystem: { type: 'boolean' },
    procMount: { enum: ['Default', 'Unmasked'] },
    capabilities: { type: 'object', additionalProperties: false, properties: { add: capabilityList, drop: capabilityList } },
  },
};

/** A label selector (matchLabels, matchExpressions), as NetworkPolicy peers use. */
export const labelSelector: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: { type: 'array', items: { type: 'object' } },
  },
};

/** A container `env` entry: a name, and a value or a valueFrom. */
export const envVar: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: formats.envVarName },
    value: { type: 'string' },
    valueFrom: { type: 'object' },
  },
  not: { required: ['value', 'valueFrom'] },
};

/** A label or annotation key: an optional DNS-subdomain prefix and a name of 63 characters at most. */
export const qualifiedKey = formats.qualifiedName;
/** A label value: empty, or 63 characters at most, alphanumeric at both ends. */
export const labelValue = formats.labelValue;

/** A pod's toleration (core/v1 Toleration), closed so that a misspelt field is refused. */
export const toleration: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', pattern: formats.orEmpty(formats.qualifiedName) },
    operator: { enum: ['Exists', 'Equal'] },
    value: { type: 'string', pattern: formats.labelValue },
    effect: { enum: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
    tolerationSeconds: { type: 'integer' },
  },
};

/** A pod's affinity (core/v1 Affinity): its three kinds, each passed through to the API server. */
export const affinity: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { nodeAffinity: { type: 'object' }, podAffinity: { type: 'object' }, podAntiAffinity: { type: 'object' } },
};

/** Readable names for these blocks where values.schema.json shares them under `definitions` (emit/schema-refs.ts). */
export const blockNames: Record<string, JsonSchema> = {
  quantity,
  resourceList,
  resources,
  seccompProfile,
  seLinuxOptions,
  appArmorProfile,
  capabilityList,
  podSecurityContext,
  containerSecurityContext,
  labelSelector,
  envVar,
  toleration,
  affinity,
};
