/**
 * The peers' checks for the resource types the estate synthesizes, and the gate's decision on each: covered by a
 * rule, added as a rule, or out of scope with the reason. Read from aquasecurity/trivy-checks (checks/cloud/aws/**)
 * and bridgecrewio/checkov (checkov/terraform/checks/{resource,data,graph_checks}/aws/**), judged against AWS's own
 * documentation rather than copied. Rendered into docs/policies.md by `npm run build:policies`.
 */

export type Decision = 'covered' | 'added' | 'out of scope';

export interface PeerCheck {
  readonly peer: 'trivy' | 'checkov';
  readonly id: string;
  readonly what: string;
  readonly decision: Decision;
  /** The rule(s) that cover or were added, or the reason it is out of scope. */
  readonly note: string;
}

const t = (id: string, what: string, decision: Decision, note: string): PeerCheck => ({
  peer: 'trivy',
  id,
  what,
  decision,
  note,
});
const c = (id: string, what: string, decision: Decision, note: string): PeerCheck => ({
  peer: 'checkov',
  id,
  what,
  decision,
  note,
});

const ACCOUNT =
  'an account setting (password policy, root user, credential age, support role), not a resource of these stacks';
const NO_TYPE = (type: string) => `the estate has no ${type}; the rule would judge nothing`;

export const PEER_CHECKS: readonly PeerCheck[] = [
  // trivy-checks: ec2
  t(
    'AWS-0099',
    'security group has a description',
    'out of scope',
    'naming hygiene, not an exposure; constructs describe their groups',
  ),
  t('AWS-0124', 'security group rule has a description', 'out of scope', 'naming hygiene, not an exposure'),
  t(
    'AWS-0008',
    'launch configuration block devices encrypted',
    'covered',
    'CDX-EC2-002 (instances, spot requests, launch templates and launch configurations)',
  ),
  t(
    'AWS-0130',
    'launch configuration requires IMDSv2',
    'covered',
    'CDX-EC2-001 (instances, spot requests, launch templates, launch configurations; an instance by its launch template)',
  ),
  t(
    'AWS-0129',
    'no AWS keys in launch configuration user data',
    'covered',
    'CDX-SEC-001 by name, CDX-SEC-004 by value (user_data_base64 read decoded)',
  ),
  t('AWS-0131', 'instance block devices encrypted', 'covered', 'CDX-EC2-002'),
  t('AWS-0026', 'EBS volumes encrypted', 'covered', 'CDX-EC2-002'),
  t('AWS-0027', 'EBS volumes use a customer-managed key', 'covered', 'CDX-KMS-001 (issue 11)'),
  t('AWS-0028', 'instances require IMDSv2', 'covered', 'CDX-EC2-001'),
  t(
    'AWS-0101',
    'no default VPC',
    'out of scope',
    'the default VPC is an account setting; the stacks build their own VPC',
  ),
  t(
    'AWS-0102',
    'network ACL rule allows all ports',
    'out of scope',
    'the estate keeps the default NACL; security groups are the boundary and CDX-SG-* judge them',
  ),
  t(
    'AWS-0104',
    'security group egress not to 0.0.0.0/0',
    'out of scope',
    'tasks and hosts reach AWS APIs, ECR and Neo4j downloads through NAT; egress filtering needs a proxy or firewall, a design change recorded as a gap',
  ),
  t(
    'AWS-0105',
    'network ACL SSH/RDP from anywhere',
    'out of scope',
    'no NACL rules in the estate; CDX-SG-005 judges the security groups',
  ),
  t(
    'AWS-0107',
    'security group SSH/RDP from anywhere',
    'covered',
    'CDX-SG-005, by CIDR coverage (0.0.0.0/1 + 128.0.0.0/1 counts) over every rule shape',
  ),
  t(
    'AWS-0009',
    'launch configuration without public IP',
    'covered',
    'CDX-NET-001 (instances, launch templates, subnets, ECS services, EIPs)',
  ),
  t('AWS-0164', 'subnet does not map public IPs', 'covered', 'CDX-NET-001 (default subnets public unless told not)'),
  t('AWS-0029', 'no AWS keys in instance user data', 'covered', 'CDX-SEC-001 by name, CDX-SEC-004 by value'),
  t('AWS-0122', 'launch configuration EBS encrypted', 'covered', 'CDX-EC2-002'),
  t('AWS-0178', 'VPC flow logs', 'covered', 'CDX-NET-002'),
  t(
    'AWS-0173',
    'default security group restricts all traffic',
    'covered',
    'CDX-SG-001..005 judge aws_default_security_group like any group; the estate leaves it without rules',
  ),
  t(
    'AWS-0344',
    'AMI data source specifies owners',
    'covered',
    'not a gate rule: the estate looks its AMI up with owners = ["self"] and tag filters (constructs/neo4j-ami.ts); a rule is a candidate when a second lookup appears',
  ),
  // ecr
  t('AWS-0030', 'ECR image scanning', 'covered', 'CDX-ECR-001'),
  t('AWS-0031', 'ECR immutable tags', 'covered', 'CDX-ECR-002'),
  t(
    'AWS-0032',
    'ECR repository policy not public',
    'covered',
    'CDX-IAM-005 (wildcard principal in resource policies, aws_ecr_repository_policy included)',
  ),
  t(
    'AWS-0033',
    'ECR repository uses a customer-managed key',
    'out of scope',
    'images hold no secrets (CDX-SEC-*); AES-256 at rest suffices, and a CMK on ECR adds a key dependency to every pull',
  ),
  // ecs
  t('AWS-0034', 'ECS Container Insights', 'added', 'CDX-ECS-002'),
  t('AWS-0035', 'ECS EFS volumes encrypted in transit', 'out of scope', NO_TYPE('EFS volume in a task definition')),
  t(
    'AWS-0036',
    'no plaintext secrets in task definitions',
    'covered',
    "CDX-SEC-001 (names, the estate's own keys) and CDX-SEC-004 (values)",
  ),
  // elb
  t(
    'AWS-0053',
    'load balancer not internet-facing',
    'out of scope',
    "the API's load balancer is public by design; CDX-LB-002/004/005 and CDX-SG-001 judge what it exposes",
  ),
  t('AWS-0052', 'load balancer drops invalid headers', 'added', 'CDX-LB-006 (aws_lb and aws_alb)'),
  t(
    'AWS-0054',
    'no plain HTTP listener',
    'covered',
    'CDX-LB-001 (warn outside production), CDX-LB-002 (production): every action shape and listener rule must redirect to HTTPS',
  ),
  t(
    'AWS-0047',
    'listener TLS policy not outdated',
    'added',
    'CDX-LB-004 (missing policy = ELBSecurityPolicy-2016-08 is a finding)',
  ),
  // iam
  ...[
    ['AWS-0144', 'unused credentials disabled'],
    ['AWS-0166', 'credentials unused for 45 days disabled'],
    ['AWS-0123', 'groups enforce MFA'],
    ['AWS-0165', 'root hardware MFA'],
    ['AWS-0142', 'root MFA'],
    ['AWS-0145', 'users enforce MFA'],
    ['AWS-0140', 'root account usage'],
    ['AWS-0167', 'one access key per user'],
    ['AWS-0056', 'password reuse prevention'],
    ['AWS-0141', 'no root access keys'],
    ['AWS-0168', 'expired server certificates removed'],
    ['AWS-0058', 'password policy lower case'],
    ['AWS-0059', 'password policy numbers'],
    ['AWS-0060', 'password policy symbols'],
    ['AWS-0061', 'password policy upper case'],
    ['AWS-0062', 'password maximum age'],
    ['AWS-0063', 'password minimum length'],
    ['AWS-0146', 'access keys rotated'],
    ['AWS-0169', 'support role exists'],
  ].map(([id, what]) => t(id, what, 'out of scope', ACCOUNT)),
  t('AWS-0342', 'iam:PassRole filtered', 'covered', 'CDX-IAM-003 (iam:PassRole on "*" or on every role)'),
  t('AWS-0345', 'no unrestricted S3 policies', 'covered', 'CDX-IAM-001 (s3:*) and CDX-IAM-003'),
  t(
    'AWS-0057',
    'no wildcards in IAM policies',
    'covered',
    'CDX-IAM-001 (actions), CDX-IAM-003 (resources), CDX-IAM-002 (NotAction)',
  ),
  t(
    'AWS-0143',
    'no policies attached to users',
    'covered',
    'CDX-IAM-006 (inline, attachment, aws_iam_policy_attachment users, exclusive attachments)',
  ),
  t(
    'AWS-0346',
    'no unauthorised S3 bucket access',
    'covered',
    'CDX-IAM-005 (wildcard principal in bucket policies unless a condition narrows it)',
  ),
  // kms, logs, sns, secrets
  t('AWS-0065', 'KMS keys rotate', 'covered', 'CDX-KMS-002 (issue 11)'),
  t('AWS-0017', 'log groups use a customer-managed key', 'covered', 'CDX-KMS-001 (issue 11)'),
  t('AWS-0095', 'SNS topic encrypted', 'covered', 'CDX-KMS-001 (issue 11)'),
  t('AWS-0136', 'SNS topic uses a customer-managed key', 'covered', 'CDX-KMS-001 (issue 11)'),
  t('AWS-0098', 'secrets use a customer-managed key', 'covered', 'CDX-KMS-001 (issue 11)'),
  t('AWS-0134', 'no secrets sent over HTTP data sources', 'out of scope', NO_TYPE('http data source')),
  // s3 (the load-balancer access-log bucket and the audit-trail bucket)
  t(
    'AWS-0086',
    'public access block: block public ACLs',
    'out of scope',
    'both buckets set all four flags in their constructs (tested there); a gate rule is a follow-up',
  ),
  t('AWS-0087', 'public access block: block public policy', 'out of scope', 'as AWS-0086'),
  t('AWS-0091', 'public access block: ignore public ACLs', 'out of scope', 'as AWS-0086'),
  t('AWS-0093', 'public access block: restrict public buckets', 'out of scope', 'as AWS-0086'),
  t('AWS-0094', 'bucket has a public access block', 'out of scope', 'as AWS-0086'),
  t('AWS-0092', 'no public ACL', 'out of scope', 'both buckets enforce BucketOwnerEnforced ownership (ACLs disabled)'),
  t('AWS-0088', 'bucket encryption', 'out of scope', 'S3 encrypts every object (SSE-S3) by default since January 2023'),
  t(
    'AWS-0132',
    'bucket uses a customer-managed key',
    'out of scope',
    'ALB access logs can only be written to SSE-S3 buckets (AWS documentation); the trail bucket uses the issue-11 key',
  ),
  t(
    'AWS-0089',
    'bucket access logging',
    'out of scope',
    'the buckets are themselves log destinations; logging them would recurse',
  ),
  t(
    'AWS-0171',
    'object-level write logging',
    'out of scope',
    'CloudTrail data events on log buckets cost more than they tell',
  ),
  t('AWS-0172', 'object-level read logging', 'out of scope', 'as AWS-0171'),
  t('AWS-0090', 'bucket versioning', 'out of scope', 'log objects expire by lifecycle; versions would keep them'),
  t('AWS-0170', 'MFA delete', 'out of scope', 'only the root user can enable it, not Terraform'),
  t(
    'AWS-0320',
    'DNS-compliant bucket names',
    'out of scope',
    'names come from contracts/naming.ts and are DNS-compliant',
  ),
  // checkov: resources
  c('CKV_AWS_1', 'IAM document without "*:*" admin', 'covered', 'CDX-IAM-001'),
  c(
    'CKV_AWS_2',
    'ALB listener protocol HTTPS',
    'covered',
    'CDX-LB-001/002: HTTP listeners only redirect to HTTPS (any action shape, listener rules)',
  ),
  c('CKV_AWS_3', 'EBS encrypted', 'covered', 'CDX-EC2-002'),
  c('CKV_AWS_7', 'KMS rotation', 'covered', 'CDX-KMS-002 (issue 11)'),
  c('CKV_AWS_8', 'instance / launch configuration EBS encrypted', 'covered', 'CDX-EC2-002'),
  c('CKV_AWS_23', 'security group (rule) description', 'out of scope', 'naming hygiene'),
  c(
    'CKV_AWS_24',
    'no SSH from 0.0.0.0/0',
    'covered',
    'CDX-SG-005 (coverage, IPv6, every shape; only the rules that open the port are blamed)',
  ),
  c('CKV_AWS_25', 'no RDP from 0.0.0.0/0', 'covered', 'CDX-SG-005'),
  c(
    'CKV_AWS_260',
    'no port 80 from 0.0.0.0/0',
    'out of scope',
    'the load balancer must accept 80 to redirect it (CDX-SG-001 allows exactly 80 and 443 world-open)',
  ),
  c(
    'CKV_AWS_277',
    'no all-ports ingress from 0.0.0.0/0',
    'covered',
    'CDX-SG-003 (all traffic from any source but self)',
  ),
  c('CKV_AWS_382', 'no all-ports egress to 0.0.0.0/0', 'out of scope', 'as trivy AWS-0104'),
  c('CKV_AWS_26', 'SNS topic encrypted', 'covered', 'CDX-KMS-001 (issue 11)'),
  c('CKV_AWS_32', 'ECR policy not public', 'covered', 'CDX-IAM-005'),
  c(
    'CKV_AWS_33',
    'KMS key policy without wildcard principal',
    'covered',
    'CDX-IAM-005 (aws_kms_key policy is a resource policy)',
  ),
  c('CKV_AWS_40', 'IAM policies attached only to groups or roles', 'covered', 'CDX-IAM-006'),
  c('CKV_AWS_46', 'no hard-coded secrets in user data', 'covered', 'CDX-SEC-001, CDX-SEC-004'),
  c('CKV_AWS_49', 'no "*" actions in IAM documents', 'covered', 'CDX-IAM-001'),
  c('CKV_AWS_51', 'ECR immutable tags', 'covered', 'CDX-ECR-002'),
  c('CKV_AWS_53', 'S3 block public ACLs', 'out of scope', 'as trivy AWS-0086'),
  c('CKV_AWS_54', 'S3 block public policy', 'out of scope', 'as trivy AWS-0086'),
  c('CKV_AWS_55', 'S3 ignore public ACLs', 'out of scope', 'as trivy AWS-0086'),
  c('CKV_AWS_56', 'S3 restrict public buckets', 'out of scope', 'as trivy AWS-0086'),
  c(
    'CKV_AWS_60',
    'role trusts only specific principals',
    'covered',
    'CDX-IAM-005 (wildcard principal), CDX-IAM-008 (GitHub OIDC subjects)',
  ),
  c(
    'CKV_AWS_61',
    'role not assumable by a whole account',
    'covered',
    'CDX-IAM-005 judges "*"; an account root principal is how the estate\'s deployer trust is written on purpose',
  ),
  c('CKV_AWS_62', 'no "*:*" admin in inline/managed policies', 'covered', 'CDX-IAM-001 (every carrier)'),
  c('CKV_AWS_63', 'no "*" actions in policies', 'covered', 'CDX-IAM-001'),
  c('CKV_AWS_65', 'ECS Container Insights', 'added', 'CDX-ECS-002'),
  c('CKV_AWS_66', 'log group retention', 'covered', 'CDX-LOG-001'),
  c(
    'CKV_AWS_338',
    'log group retention at least a year',
    'out of scope',
    'retention is per environment in config/ (staging short on purpose); the gate requires one to be set',
  ),
  c('CKV_AWS_158', 'log group KMS-encrypted', 'covered', 'CDX-KMS-001 (issue 11)'),
  c(
    'CKV_AWS_70',
    'S3 bucket policy without any-principal Allow',
    'covered',
    'CDX-IAM-005 (both carriers, NotPrincipal, only conditions that narrow who)',
  ),
  c(
    'CKV_AWS_93',
    'S3 policy does not lock out all but root',
    'out of scope',
    'a policy-authoring mistake the deploy would surface; not an exposure',
  ),
  c('CKV_AWS_79', 'IMDSv1 disabled', 'covered', 'CDX-EC2-001'),
  c('CKV_AWS_88', 'instance without public IP', 'covered', 'CDX-NET-001'),
  c(
    'CKV_AWS_91',
    'ELBv2 access logging',
    'out of scope',
    'the estate logs the ALB to S3 by construct (tested there); not a security boundary',
  ),
  c('CKV_AWS_97', 'ECS EFS transit encryption', 'out of scope', NO_TYPE('EFS volume')),
  c(
    'CKV_AWS_126',
    'EC2 detailed monitoring',
    'out of scope',
    'Neo4j hosts are watched by CloudWatch alarms on 5-minute metrics; 1-minute metrics cost without a use',
  ),
  c('CKV_AWS_130', 'subnets do not map public IPs', 'covered', 'CDX-NET-001'),
  c('CKV_AWS_131', 'ALB drops invalid headers', 'added', 'CDX-LB-006'),
  c(
    'CKV_AWS_135',
    'EC2 EBS-optimized',
    'out of scope',
    'current instance types are EBS-optimized by default; performance, not security',
  ),
  c('CKV_AWS_136', 'ECR encrypted with KMS', 'out of scope', 'as trivy AWS-0033'),
  c('CKV_AWS_143', 'S3 object lock', 'out of scope', 'log buckets expire objects; object lock would forbid it'),
  c('CKV_AWS_149', 'secret encrypted with a CMK', 'covered', 'CDX-KMS-001 (issue 11)'),
  c(
    'CKV_AWS_150',
    'load balancer deletion protection',
    'out of scope',
    'availability, not security; stacks are replaced by reviewed plans',
  ),
  c('CKV_AWS_152', 'NLB/GWLB cross-zone', 'out of scope', NO_TYPE('network or gateway load balancer')),
  c('CKV_AWS_163', 'ECR scan on push', 'covered', 'CDX-ECR-001'),
  c('CKV_AWS_169', 'SNS topic policy not public', 'covered', 'CDX-IAM-005'),
  c('CKV_AWS_189', 'EBS volume with a CMK', 'covered', 'CDX-KMS-001 (issue 11)'),
  c(
    'CKV_AWS_204',
    'AMI encrypted with a CMK',
    'out of scope',
    'the AMI is baked by tools/ami with encrypted snapshots; no aws_ami resource in the stacks',
  ),
  c('CKV_AWS_223', 'ECS Exec logging', 'out of scope', 'ECS Exec is not enabled in the estate'),
  c('CKV_AWS_224', 'ECS Exec logging encrypted with a CMK', 'out of scope', 'as CKV_AWS_223'),
  c('CKV_AWS_227', 'KMS key enabled', 'out of scope', 'a disabled key breaks the deploy at once; not an exposure'),
  c(
    'CKV_AWS_233',
    'ACM create-before-destroy',
    'out of scope',
    'the estate reads its certificate (data.aws_acm_certificate), it does not create one',
  ),
  c('CKV_AWS_234', 'ACM certificate transparency logging', 'out of scope', 'as CKV_AWS_233'),
  c(
    'CKV_AWS_249',
    'ECS execution and task roles differ',
    'out of scope',
    'the construct creates two roles by design (tested in the ECS construct tests)',
  ),
  c(
    'CKV_AWS_253',
    'DLM cross-region events encrypted',
    'out of scope',
    'the snapshot policy copies nothing across regions',
  ),
  c('CKV_AWS_254', 'DLM cross-region events with a CMK', 'out of scope', 'as CKV_AWS_253'),
  c('CKV_AWS_255', 'DLM cross-region schedules encrypted', 'out of scope', 'as CKV_AWS_253'),
  c('CKV_AWS_256', 'DLM cross-region schedules with a CMK', 'out of scope', 'as CKV_AWS_253'),
  c(
    'CKV_AWS_273',
    'access through SSO, not IAM users',
    'out of scope',
    'the deployer users are a documented choice (docs/deployer-guide.md); CDX-IAM-006 keeps their permissions in groups',
  ),
  c('CKV_AWS_274', 'no AdministratorAccess attached', 'covered', 'CDX-IAM-004 (every attachment, every ARN spelling)'),
  c('CKV_AWS_275', 'no AdministratorAccess in a managed policy', 'covered', 'CDX-IAM-004, CDX-IAM-001'),
  c('CKV_AWS_283', 'no ALL/any AWS principal in documents', 'covered', 'CDX-IAM-005'),
  c(
    'CKV_AWS_286',
    'no privilege escalation',
    'covered',
    'CDX-IAM-003 (iam:PassRole, iam:CreateAccessKey on every resource) and CDX-IAM-001',
  ),
  c(
    'CKV_AWS_287',
    'no credentials exposure',
    'covered',
    'CDX-IAM-003 (sensitive actions: GetSecretValue, CreateAccessKey, ...)',
  ),
  c(
    'CKV_AWS_288',
    'no data exfiltration',
    'covered',
    'CDX-IAM-003 (GetSecretValue, kms:Decrypt, ssm:GetParameter* on every resource)',
  ),
  c('CKV_AWS_289', 'no unconstrained permissions management', 'covered', 'CDX-IAM-003 (scopable writes on "*")'),
  c('CKV_AWS_290', 'no unconstrained write access', 'covered', 'CDX-IAM-003'),
  c(
    'CKV_AWS_355',
    'no "*" resource for restrictable actions',
    'covered',
    "CDX-IAM-003 (AWS's service authorization reference decides what is restrictable)",
  ),
  c('CKV_AWS_300', 'S3 lifecycle aborts failed uploads', 'out of scope', 'cost hygiene, not security'),
  c('CKV_AWS_319', 'CloudWatch alarm actions enabled', 'out of scope', 'alarms are tested in the monitoring construct'),
  c(
    'CKV_AWS_328',
    'ALB desync mitigation defensive or strictest',
    'out of scope',
    'the default (defensive) is what the estate uses; a rule is a candidate follow-up',
  ),
  c('CKV_AWS_332', 'Fargate latest platform version', 'out of scope', 'ECS on Fargate defaults to LATEST'),
  c('CKV_AWS_333', 'ECS services without public IP', 'covered', 'CDX-NET-001'),
  c(
    'CKV_AWS_334',
    'ECS containers not privileged',
    'covered',
    'CDX-ECS-001 (reads privileged, the field ECS has; checkov reads a field "privilege" ECS does not have)',
  ),
  c(
    'CKV_AWS_335',
    'ECS tasks do not share the host PID namespace',
    'out of scope',
    'Fargate rejects pidMode host; the estate runs on Fargate',
  ),
  c(
    'CKV_AWS_336',
    'ECS read-only root file system',
    'out of scope',
    'the Node.js API writes to /tmp (constructs/service.ts; README "What is not hardened")',
  ),
  c('CKV_AWS_341', 'launch template metadata hop limit 1', 'out of scope', NO_TYPE('launch template')),
  c('CKV_AWS_358', 'GitHub OIDC trust claims', 'covered', 'CDX-IAM-008 (issue 10)'),
  c(
    'CKV_AWS_385',
    'SNS topic policy without cross-account access',
    'covered',
    'CDX-IAM-005 (wildcard principals); named accounts are reviewed choices',
  ),
  c(
    'CKV_AWS_386',
    'AMI lookup not open to name confusion (WhoAMI)',
    'covered',
    'as trivy AWS-0344: owners = ["self"] in the estate',
  ),
  // checkov: graph checks
  c('CKV2_AWS_20', 'ALB redirects HTTP to HTTPS', 'covered', 'CDX-LB-001/002 (the redirect must name HTTPS)'),
  c('CKV2_AWS_28', 'public ALB protected by WAF', 'covered', 'CDX-LB-005 (issue 11)'),
  c('CKV_AWS_103', 'load balancer listener at least TLS 1.2', 'added', 'CDX-LB-004'),
  c('CKV2_AWS_5', 'security groups attached to a resource', 'out of scope', 'an unused group exposes nothing'),
  c('CKV2_AWS_11', 'VPC flow logs', 'covered', 'CDX-NET-002'),
  c('CKV2_AWS_12', 'default security group restricts all traffic', 'covered', 'as trivy AWS-0173'),
  c(
    'CKV2_AWS_41',
    'EC2 instance has an IAM role',
    'out of scope',
    'the Neo4j hosts have instance profiles by construct',
  ),
  c('CKV2_AWS_56', 'no IAMFullAccess managed policy', 'covered', 'CDX-IAM-004'),
  c('CKV2_AWS_40', 'no full IAM privileges', 'covered', 'CDX-IAM-001 (iam:*)'),
  c('CKV2_AWS_14', 'IAM groups have a user', 'out of scope', 'an empty group grants nothing'),
  c(
    'CKV2_AWS_21',
    'IAM users are in a group',
    'out of scope',
    'CDX-IAM-006 keeps permissions off users; membership itself grants nothing',
  ),
  c('CKV2_AWS_22', 'IAM users without console access', 'out of scope', 'no aws_iam_user_login_profile in the estate'),
  c(
    'CKV2_AWS_64',
    'KMS key policy defined',
    'covered',
    "issue 11's keys carry an exact key policy (constructs/kms-key.ts)",
  ),
];

export function decisionCounts(checks: readonly PeerCheck[] = PEER_CHECKS): Record<Decision, number> {
  const counts: Record<Decision, number> = { covered: 0, added: 0, 'out of scope': 0 };
  for (const check of checks) counts[check.decision]++;
  return counts;
}
