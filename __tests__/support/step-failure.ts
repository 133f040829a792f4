import { StepFailure } from '../../verify/errors';

/** The StepFailure a step's promise rejects with; fails the test when it resolves or rejects otherwise. */
export async function failureOf(promise: Promise<unknown>): Promise<StepFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof StepFailure) return err;
    throw err;
  }
  throw new Error('expected the step to fail');
}
