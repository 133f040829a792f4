import * as path from 'node:path';
import { repoRoot, toolsDir } from '../../lib/paths';
import { UNSCOPABLE_ACTIONS_FILE } from '../../contracts/unscopable-actions';

/** Where the policy sources, the committed bundle and the generated docs live. */
export const policyPaths = {
  regoDir: () => path.join(repoRoot(), 'policies', 'rego'),
  capabilities: () => path.join(repoRoot(), 'policies', 'build', 'capabilities.json'),
  wasm: () => path.join(repoRoot(), 'policies', 'bundle', 'policy.wasm'),
  metadata: () => path.join(repoRoot(), 'policies', 'bundle', 'metadata.json'),
  docs: () => path.join(repoRoot(), 'docs', 'policies.md'),
  readme: () => path.join(repoRoot(), 'README.md'),
  unscopable: () => path.join(repoRoot(), UNSCOPABLE_ACTIONS_FILE),
  opa: () => path.join(toolsDir(), 'bin', 'opa'),
};

/** The entry point compiled to WebAssembly (data.credex.findings). */
export const ENTRYPOINT = 'credex/findings';

/**
 * The effective-permissions query compiled into the same bundle (data.credex.effective.decisions): the decision
 * AWS makes on each call of the input (tools/iam/effective.ts).
 */
export const EFFECTIVE_ENTRYPOINT = 'credex/effective/decisions';
