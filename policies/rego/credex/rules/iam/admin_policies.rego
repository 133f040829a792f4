package credex.rules.iam

import data.credex.lib

# METADATA
# title: No AWS-managed admin or power-user policies
# description: >-
#   AdministratorAccess, PowerUserAccess, IAMFullAccess and similar AWS-managed policies grant far more
#   than any workload or deployer needs, and change when AWS changes them.
# scope: document
# custom:
#   id: CDX-IAM-004
#   severity: deny
#   remediation: Attach a customer-managed policy that lists the actions and resources actually needed.
admin_policy_attached contains finding if {
	some addr, r in input.resources
	r.mode != "data"
	some attribute in object.get(lib.attachment_attributes, r.type, [])
	some arn in lib.attr_strings(lib.values(r), attribute)
	lib.admin_policy(arn)
	finding := {
		"address": addr,
		"message": sprintf("%s attaches the AWS-managed policy %s", [attribute, arn]),
	}
}
