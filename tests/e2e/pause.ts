// Waits between polls. The fake-cluster tests scale them down (SQUASH_E2E_PAUSE_SCALE=0.01) so that
// the steps run in seconds; a real run never sets it. Read at each call, so a test may set it late.
export const pause = (ms: number): Promise<void> => {
  const scale = Number(process.env.SQUASH_E2E_PAUSE_SCALE ?? '1') || 1;
  return new Promise((resolve) => setTimeout(resolve, ms * scale));
};
