/**
 * The generator's view of the "allowed on *" set (contracts/unscopable-actions.ts): the committed set as the gate's
 * bundle was built with it, and a matcher over it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseUnscopableRego, UNSCOPABLE_ACTIONS_FILE } from '../../contracts/unscopable-actions';
import { globRegExp } from '../../lib/glob';
import { repoRoot } from '../../lib/paths';

/** The committed set (UNSCOPABLE_ACTIONS_FILE): what the gate's bundle was built with. */
export function committedUnscopableActions(): string[] {
  return parseUnscopableRego(readFileSync(path.join(repoRoot(), UNSCOPABLE_ACTIONS_FILE), 'utf8'));
}

/**
 * Whether an action is in a set such as committedUnscopableActions(): a lookup, then the glob patterns, where `*`
 * does not cross `:` (as the gate's unscopable() in policies/rego/credex/lib/iam.rego). Case-insensitive.
 */
export function unscopableMatcher(actions: readonly string[]): (action: string) => boolean {
  const exact = new Set(actions.filter((a) => !a.includes('*')));
  const patterns = actions.filter((a) => a.includes('*')).map((p) => globRegExp(p, { within: ':' }));
  return (action) => {
    const a = action.toLowerCase();
    return exact.has(a) || patterns.some((re) => re.test(a));
  };
}
