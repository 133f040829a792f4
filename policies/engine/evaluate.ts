import { loadPolicy, LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { readFileSync } from 'node:fs';
import { BundleMetadata, bundleMetadata } from './metadata';
import { PolicyInput } from './normalise';
import { ENTRYPOINT, policyPaths } from './paths';

/** A finding as the compiled policy reports it: rule is "<area>.<rule>" (see RuleMetadata.key). */
export interface RawFinding {
  readonly rule: string;
  readonly address: string;
  readonly message: string;
}

export interface PolicyEngine {
  readonly metadata: BundleMetadata;
  evaluate(input: PolicyInput): RawFinding[];
}

let engine: Promise<PolicyEngine> | undefined;

/** Loads the committed wasm bundle once per process. */
export function loadEngine(): Promise<PolicyEngine> {
  if (!engine) {
    engine = (async () => {
      const policy: LoadedPolicy = await loadPolicy(readFileSync(policyPaths.wasm()));
      const metadata = bundleMetadata();
      return {
        metadata,
        evaluate(input: PolicyInput): RawFinding[] {
          const result = policy.evaluate(input, ENTRYPOINT) as { result?: unknown }[];
          const findings = result?.[0]?.result;
          return Array.isArray(findings) ? (findings as RawFinding[]) : [];
        },
      };
    })();
    engine.catch(() => {
      engine = undefined;
    });
  }
  return engine;
}
