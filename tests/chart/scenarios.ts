// The renderings the suite validates: the chart's default values, every file under values/ (found
// at run time, so a new environment is covered without editing a test), and a few option
// combinations the values files do not reach. Also: what each rendering documents as existing
// outside it (auth.existingSecret, persistence.existingClaim), for the cross-object checker.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { supportedKubernetes } from '../../generator/chart-metadata';
import { RenderOptions, valuesDir } from '../support/helm';
import type { CrossObjectOptions } from '../validator/cross-object';

export const FAKE_PASSWORD = 'fake-test-password-not-secret';
/** Fixed application secrets, so that two renderings compare equal (base64 of an obviously fake text). */
export const FAKE_JWT_SECRET = Buffer.from('fake-jwt-secret-for-tests-not-secret-'.repeat(2)).toString('base64');
export const FAKE_CRYPTO_SECRET = 'fake-crypto-secret-for-tests-not-secret';

export interface Scenario {
  name: string;
  options: RenderOptions;
}

export const valuesFiles = (): string[] => readdirSync(valuesDir).filter((f) => f.endsWith('.yaml')).sort();

export const targetVersions = [supportedKubernetes.oldest, supportedKubernetes.newest] as const;

export function scenarios(): Scenario[] {
  return [
    { name: 'default values', options: {} },
    ...valuesFiles().map((file) => ({ name: `values/${file}`, options: { valuesFiles: [file] } })),
    {
      name: 'an external database behind the ExternalName alias',
      options: { values: { postgresql: { enabled: false }, externalDatabase: { host: 'pg.shared.svc.cluster.local' }, databaseAlias: { enabled: true }, auth: { existingSecret: 'shared-pg' } } },
    },
    {
      name: 'a fixed cluster IP and node port',
      options: { values: { postgresql: { service: { clusterIP: '10.96.100.100' } }, squash: { service: { type: 'NodePort', nodePort: 30080 } } } },
    },
    {
      name: 'an existing claim',
      options: { values: { postgresql: { persistence: { existingClaim: 'squash-data' } } } },
    },
    {
      name: 'PostgreSQL in a Deployment, as in the course',
      options: { values: { postgresql: { workload: 'Deployment' } } },
    },
    {
      // The cluster serves security.openshift.io/v1: no fixed UID, GID or fsGroup anywhere.
      name: 'OpenShift, with backups, the alias and restricted egress',
      options: {
        apiVersions: ['security.openshift.io/v1'],
        values: { backup: { enabled: true }, databaseAlias: { enabled: true }, networkPolicy: { restrictEgress: true } },
      },
    },
  ];
}

type Values = {
  auth?: { existingSecret?: string; secretKeys?: { username?: string; password?: string } };
  postgresql?: { persistence?: { existingClaim?: string } };
  backup?: { enabled?: boolean; persistence?: { existingClaim?: string } };
  serviceAccount?: { create?: boolean; name?: string };
  squash?: { secrets?: { existingSecret?: string; secretKeys?: { jwt?: string; crypto?: string } } };
};

/** The values a rendering was made from, in order (values files, then inline values). */
function layers(options: RenderOptions): Values[] {
  const files = (options.valuesFiles ?? []).map((f) => parse(readFileSync(path.isAbsolute(f) ? f : path.join(valuesDir, f), 'utf8')) as Values | null);
  return [...files, options.values as Values | undefined].filter((v): v is Values => !!v);
}

/** The Secrets, claims and ServiceAccounts the values say exist outside the rendering. */
export function documentedExisting(options: RenderOptions): CrossObjectOptions {
  let secret: string | undefined;
  let username = 'username';
  let password = 'password';
  let claim: string | undefined;
  let backupClaim: string | undefined;
  let account: { create?: boolean; name?: string } = {};
  let appSecret: string | undefined;
  let jwt = 'jwt-secret';
  let crypto = 'crypto-secret';
  for (const v of layers(options)) {
    appSecret = v.squash?.secrets?.existingSecret ?? appSecret;
    jwt = v.squash?.secrets?.secretKeys?.jwt ?? jwt;
    crypto = v.squash?.secrets?.secretKeys?.crypto ?? crypto;
    account = { ...account, ...v.serviceAccount };
    secret = v.auth?.existingSecret ?? secret;
    username = v.auth?.secretKeys?.username ?? username;
    password = v.auth?.secretKeys?.password ?? password;
    claim = v.postgresql?.persistence?.existingClaim ?? claim;
    backupClaim = v.backup?.persistence?.existingClaim ?? backupClaim;
  }
  return {
    namespace: options.namespace ?? 'default',
    existingSecrets: {
      ...(appSecret ? { [appSecret]: [jwt, crypto] } : {}),
      ...(secret ? { [secret]: [username, password, ...(secret === appSecret ? [jwt, crypto] : [])] } : {}),
    },
    existingClaims: [claim, backupClaim].filter((c): c is string => !!c),
    // serviceAccount.name without create: the values say that account exists.
    existingServiceAccounts: account.name && !account.create ? [account.name] : [],
  };
}

/** The same options with a fixed fake password and application secrets, where the chart would generate them. */
export function withFakePassword(options: RenderOptions): RenderOptions {
  const values = (options.values ?? {}) as Values & Record<string, unknown>;
  const layered = layers(options);
  const dbSecret = layered.some((v) => v.auth?.existingSecret);
  const appSecret = layered.some((v) => v.squash?.secrets?.existingSecret);
  const auth = dbSecret ? values.auth : { ...(values.auth ?? {}), password: FAKE_PASSWORD };
  const squash = appSecret
    ? values.squash
    : { ...(values.squash ?? {}), secrets: { ...(values.squash?.secrets ?? {}), jwtSecret: FAKE_JWT_SECRET, cryptoSecret: FAKE_CRYPTO_SECRET } };
  return { ...options, values: { ...values, ...(auth ? { auth } : {}), ...(squash ? { squash } : {}) } as RenderOptions['values'] };
}
