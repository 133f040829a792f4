package credex.rules.kms

import data.credex.lib

# METADATA
# title: Production data is encrypted with a customer-managed key
# description: >-
#   Under AWS-managed keys (aws/logs, aws/secretsmanager, aws/ebs, aws/sns) anyone in the account whose IAM policy
#   allows the service call can read the data, the key policy cannot be narrowed and key use cannot be cut off
#   separately. In production every log group, secret, EBS volume (root and data) and SNS topic names the
#   environment's customer-managed key, whose policy says exactly who may use it.
# scope: document
# custom:
#   id: CDX-KMS-001
#   severity: deny
#   remediation: >-
#     Pass the environment key (constructs/kms-key.ts, EnvironmentKey.arn) as kms_key_id (log groups, secrets,
#     volumes, root_block_device) or kms_master_key_id (SNS topics).
customer_managed_keys contains finding if {
	lib.environment == "production"
	some type, attr in lib.cmk_attributes
	some addr, r in lib.resources(type)
	not lib.covered_by_default_key(type)
	not lib.customer_managed_key(lib.values(r), attr)
	finding := {"address": addr, "message": sprintf("%s names no customer-managed key: the data is under an AWS-managed key", [attr])}
}

customer_managed_keys contains finding if {
	lib.environment == "production"
	not lib.default_ebs_cmk
	some addr, r in lib.resources("aws_instance")
	some where in lib.instance_volumes_without_cmk(lib.values(r))
	finding := {"address": addr, "message": sprintf("%s names no customer-managed key (kms_key_id): the volume is under an AWS-managed key", [where])}
}
