// How long the Squash TM Deployment may take to start before anything calls the rollout failed. A
// Deployment whose pod is not available within progressDeadlineSeconds gets the condition
// ProgressDeadlineExceeded: `helm --wait`, `kubectl rollout status`, Argo CD (Degraded) and Flux
// report a failure, and an automatic rollback can interrupt a migration that was going well.
import { renderOk } from '../support/helm';
import { one } from '../support/objects';

/** Room for what comes before the startup probe: the old pod's stop, init containers, the image pull. */
export const START_ROOM_SECONDS = 300;

/** Why a Deployment's progress deadline cuts into its startup budget; empty when it does not. */
export function progressDeadlineProblems(deployment: { spec?: { progressDeadlineSeconds?: number } }, startupTimeoutSeconds: number): string[] {
  // The API server's default when the field is left out.
  const deadline = deployment.spec?.progressDeadlineSeconds ?? 600;
  const budget = startupTimeoutSeconds + START_ROOM_SECONDS;
  return deadline < budget
    ? [`progressDeadlineSeconds ${deadline} is below the startup budget ${budget} (startupTimeoutSeconds ${startupTimeoutSeconds} + ${START_ROOM_SECONDS} s for the stop, init containers and pull)`]
    : [];
}

describe('the Squash TM progress deadline', () => {
  it.each([60, 600, 900, 3600])('lies above the startup budget with squash.startupTimeoutSeconds=%d', async (startupTimeoutSeconds) => {
    const deployment = one(await renderOk({ values: { squash: { startupTimeoutSeconds } } }), 'Deployment', 'squash');
    expect(progressDeadlineProblems(deployment, startupTimeoutSeconds)).toEqual([]);
    // The startup probe gives up after periodSeconds * failureThreshold: that is the budget the deadline covers.
    const probe = deployment.spec?.template.spec?.containers.find((c) => c.name === 'squash')?.startupProbe;
    expect((probe?.periodSeconds ?? 0) * (probe?.failureThreshold ?? 0)).toBe(startupTimeoutSeconds);
  });

  it('lies above the budget of values/prod.yaml (900 s)', async () => {
    const deployment = one(await renderOk({ valuesFiles: ['prod.yaml'] }), 'Deployment', 'squash');
    expect(progressDeadlineProblems(deployment, 900)).toEqual([]);
  });

  it('the check sees the API default and a deadline below the budget (negative control)', () => {
    expect(progressDeadlineProblems({ spec: {} }, 600)).toEqual([
      'progressDeadlineSeconds 600 is below the startup budget 900 (startupTimeoutSeconds 600 + 300 s for the stop, init containers and pull)',
    ]);
    expect(progressDeadlineProblems({ spec: { progressDeadlineSeconds: 1000 } }, 900)).toHaveLength(1);
    expect(progressDeadlineProblems({ spec: { progressDeadlineSeconds: 1200 } }, 900)).toEqual([]);
  });
});
