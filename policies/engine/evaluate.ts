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

const WASM_PAGE = 65_536;

/**
 * Loads the committed wasm bundle. The npm SDK starts the policy's memory at 5 pages (320 KiB) unless told
 * otherwise, and instantiation fails ("data segment is out of bounds") once the bundle's static data outgrows them:
 * the initial memory is sized from the bundle itself (its data segments are part of the file), so a growing rule
 * set never breaks loading.
 */
export function loadBundle(): Promise<LoadedPolicy> {
  const wasm = readFileSync(policyPaths.wasm());
  return loadPolicy(wasm, { initial: Math.ceil(wasm.length / WASM_PAGE) + 5 });
}

/** Loads the committed wasm bundle once per process. */
export function loadEngine(): Promise<PolicyEngine> {
  if (!engine) {
    engine = (async () => {
      const policy: LoadedPolicy = await loadBundle();
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
