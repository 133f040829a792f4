package credex.rules.kms

import data.credex.lib

# METADATA
# title: Production data is encrypted with a customer-managed key
# description: >-
#   Under AWS-managed keys (aws/logs, aws/secretsmanager, aws/ebs, aws/sns) anyone in the account whose IAM policy
#   allows the service call can read the data, the key policy cannot be narrowed and key use cannot be cut off
#   separately. In production every log group, secret, EBS volume (root and data) and SNS topic names the
#   environment's customer-managed key, whose policy says exactly who may use it (so do the volumes of launch
#   templates and launch configurations). An AWS-managed key looked up through data.aws_kms_key or
#   data.aws_kms_alias is still AWS-managed; a key id the gate cannot see (a variable, a local, a lookup not in the
#   input) cannot be judged and is reported; EBS default keys count in their provider's region only.
# scope: document
# custom:
#   id: CDX-KMS-001
#   severity: deny
#   context_types: [aws_ebs_default_kms_key]
#   remediation: >-
#     Pass the environment key (constructs/kms-key.ts, EnvironmentKey.arn) as kms_key_id (log groups, secrets,
#     volumes, root_block_device) or kms_master_key_id (SNS topics).
customer_managed_keys contains finding if {
	lib.environment == "production"
	some type, attr in lib.cmk_attributes
	some addr, r in lib.resources(type)
	not lib.covered_by_default_key(type, r)
	problem := lib.key_problem(attr, object.get(lib.values(r), attr, null))
	finding := {"address": addr, "message": problem}
}

# Instances, launch templates and launch configurations: every volume they launch.
customer_managed_keys contains finding if {
	lib.environment == "production"
	some type in ["aws_instance", "aws_spot_instance_request", "aws_launch_template", "aws_launch_configuration"]
	some addr, r in lib.resources(type)
	not lib.default_ebs_cmk(r)
	some [_, problem] in lib.instance_volume_key_problems(lib.values(r))
	finding := {"address": addr, "message": problem}
}
