/** Small hand-made Terraform JSON documents in both shapes the gate reads. */
import { checkDocuments, Report } from '../../policies/engine/check';

/** Resources keyed by address ("aws_vpc.main", "data.aws_iam_policy_document.x") with their values. */
export type Resources = Record<string, Record<string, unknown>>;

function split(address: string): { mode: 'managed' | 'data'; type: string; name: string } {
  const parts = address.split('.');
  if (parts[0] === 'data') return { mode: 'data', type: parts[1], name: parts.slice(2).join('.') };
  return { mode: 'managed', type: parts[0], name: parts.slice(1).join('.') };
}

/** A cdk.tf.json as cdktf writes it (stack metadata, resource/data sections, "//" metadata per resource). */
export function cdktfDoc(resources: Resources, stackName = 'staging'): Record<string, unknown> {
  const doc: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [address, values] of Object.entries(resources)) {
    const { mode, type, name } = split(address);
    const section = mode === 'data' ? 'data' : 'resource';
    doc[section] ??= {};
    doc[section][type] ??= {};
    doc[section][type][name] = { '//': { metadata: { path: `${stackName}/${name}`, uniqueId: name } }, ...values };
  }
  return {
    '//': { metadata: { backend: 'local', stackName, version: '0.21.0' }, outputs: {} },
    provider: { aws: [{ region: 'af-south-1' }] },
    terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
    ...doc,
  };
}

/** A `terraform show -json` plan with the same resources as planned values. */
export function planDoc(resources: Resources, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: {
        resources: Object.entries(resources).map(([address, values]) => {
          const { mode, type, name } = split(address);
          return {
            address,
            mode,
            type,
            name,
            provider_name: 'registry.terraform.io/hashicorp/aws',
            schema_version: 0,
            values,
          };
        }),
      },
    },
    resource_changes: [],
    ...extra,
  };
}

export async function check(doc: unknown, label = 'staging', today?: string): Promise<Report> {
  return checkDocuments([{ label, doc }], { today });
}

export const ruleIds = (report: Report): string[] => report.findings.map((f) => f.rule);
