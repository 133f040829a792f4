import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

/** The AWS managed rule groups in front of the API, in evaluation order (after the rate-based rule). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/**
 * Rules of the managed groups that only count (their matches are logged, not blocked), each with its reason.
 * SizeRestrictions_BODY blocks bodies over 8 KB: the API's JSON bodies may be larger, and the load balancer already
 * bounds request size.
 */
export const COUNT_ONLY_RULES: Readonly<Record<string, readonly string[]>> = {
  AWSManagedRulesCommonRuleSet: ['SizeRestrictions_BODY'],
};

export interface WebAclProps {
  /** Web ACL and metric name, e.g. credex-production-waf. */
  readonly name: string;
  /** Log group name; WAF requires the prefix aws-waf-logs-. */
  readonly logGroupName: string;
  /** The application load balancer the ACL protects. */
  readonly loadBalancerArn: string;
  /** Requests per 5 minutes per client IP before the rate-based rule blocks it (10..2e9). */
  readonly rateLimitPer5Minutes: number;
  /** Paths the rate-based rule does not count (exact match), e.g. the health path verify's load step hammers. */
  readonly rateLimitExemptPaths: readonly string[];
  readonly logRetentionDays: number;
  /** Customer-managed key of the log group. @default - CloudWatch Logs' own encryption */
  readonly kmsKeyArn?: string;
  readonly region: string;
  /** Account id and partition (Terraform references), for the log delivery policy's conditions. */
  readonly accountId: string;
  readonly partition: string;
}

const visibility = (metricName: string) => ({
  cloudwatch_metrics_enabled: true,
  sampled_requests_enabled: true,
  metric_name: metricName,
});

/**
 * AWS WAFv2 web ACL on the load balancer: a rate-based rule per client IP (limit from config, exempt paths not
 * counted), then AWS's IP reputation list, common rule set and known-bad-inputs groups; everything else is allowed.
 * Every request WAF judges is logged to `aws-waf-logs-...` (Authorization and Cookie headers redacted) with retention.
 * How to see blocked requests: docs/deployer-guide.md, "WAF".
 */
export class WebAcl extends Construct {
  public readonly acl: Wafv2WebAcl;
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const limit = props.rateLimitPer5Minutes;
    if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000)
      throw new Error(`WebAcl ${id}: rateLimitPer5Minutes must be 10..2000000000, got ${limit}`);
    if (!props.logGroupName.startsWith('aws-waf-logs-'))
      throw new Error(`WebAcl ${id}: logGroupName must start with aws-waf-logs-, got "${props.logGroupName}"`);
    for (const p of props.rateLimitExemptPaths) {
      if (!p.startsWith('/')) throw new Error(`WebAcl ${id}: rateLimitExemptPaths entry "${p}" must start with /`);
    }

    const exact = (path: string) => ({
      byte_match_statement: {
        search_string: path,
        positional_constraint: 'EXACTLY',
        field_to_match: { uri_path: {} },
        text_transformation: [{ priority: 0, type: 'NONE' }],
      },
    });
    const exempt = props.rateLimitExemptPaths.map(exact);
    const scopeDown =
      exempt.length === 0
        ? undefined
        : { not_statement: { statement: exempt.length === 1 ? exempt[0] : { or_statement: { statement: exempt } } } };

    const rules = [
      {
        name: 'rate-limit-per-ip',
        priority: 0,
        action: { block: {} },
        statement: {
          rate_based_statement: {
            limit,
            aggregate_key_type: 'IP',
            evaluation_window_sec: 300,
            ...(scopeDown ? { scope_down_statement: scopeDown } : {}),
          },
        },
        visibilityConfig: visibility(`${props.name}-rate-limit`),
      },
      ...MANAGED_RULE_GROUPS.map((group, i) => ({
        name: group,
        priority: 10 * (i + 1),
        overrideAction: { none: {} },
        statement: {
          managed_rule_group_statement: {
            vendor_name: 'AWS',
            name: group,
            rule_action_override: (COUNT_ONLY_RULES[group] ?? []).map((rule) => ({
              name: rule,
              action_to_use: { count: {} },
            })),
          },
        },
        visibilityConfig: visibility(`${props.name}-${group}`),
      })),
    ];

    this.acl = new Wafv2WebAcl(this, 'acl', {
      name: props.name,
      description: 'credex-core API: rate limit per IP and AWS managed rule groups',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: rules.map((r) => ({
        ...r,
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          sampledRequestsEnabled: true,
          metricName: r.visibilityConfig.metric_name,
        },
      })),
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: props.name },
    });
    new Wafv2WebAclAssociation(this, 'association', {
      resourceArn: props.loadBalancerArn,
      webAclArn: this.acl.arn,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    // WAF delivers through CloudWatch Logs' log delivery service, which needs this resource policy on the group.
    const { partition, region, accountId: account } = props;
    const delivery = new CloudwatchLogResourcePolicy(this, 'delivery-policy', {
      policyName: `${props.name}-logs`,
      policyDocument: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WafLogDelivery',
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `${this.logGroup.arn}:*`,
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:*` },
            },
          },
        ],
      }),
    });
    new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      resourceArn: this.acl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: [{ singleHeader: { name: 'authorization' } }, { singleHeader: { name: 'cookie' } }],
      dependsOn: [delivery],
    });
  }
}
