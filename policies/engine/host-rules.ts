import { RuleMetadata } from './metadata';

/**
 * Rules the host (policies/engine/check.ts) applies itself, because they are about waivers rather than resources.
 * They appear in reports and in docs/policies.md like the Rego rules.
 */
export const HOST_RULES = {
  waiverInvalid: {
    key: 'host.waiver_invalid',
    id: 'CDX-WVR-001',
    severity: 'deny',
    title: 'Waivers name a known rule and give a reason',
    description:
      'A waiver without a reason, with an unknown rule id or with an expiry that is not a YYYY-MM-DD date cannot be reviewed; it is not applied.',
    remediation:
      "Call waive(resource, { rule: 'CDX-...', reason: 'why this is acceptable', expires: 'YYYY-MM-DD' }) with a real rule id and reason.",
    file: 'policies/engine/check.ts',
    line: 1,
  },
  waiverExpired: {
    key: 'host.waiver_expired',
    id: 'CDX-WVR-002',
    severity: 'warn',
    title: 'Expired waivers are renewed or removed',
    description: 'A waiver past its expiry date no longer applies: the finding it covered is reported again.',
    remediation: 'Fix the finding and remove the waiver, or renew it with a new reason and expiry date.',
    file: 'policies/engine/check.ts',
    line: 1,
  },
  waiverUnused: {
    key: 'host.waiver_unused',
    id: 'CDX-WVR-003',
    severity: 'warn',
    title: 'Unused waivers are removed',
    description: 'A waiver that matches no finding hides nothing today and would silently hide a future regression.',
    remediation: 'Remove the waive(...) call.',
    file: 'policies/engine/check.ts',
    line: 1,
  },
} satisfies Record<string, RuleMetadata>;
