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
	some attribute in object.get(attachment_attributes, r.type, [])
	some arn in lib.attr_strings(lib.values(r), attribute)
	admin_policy(arn)
	finding := {
		"address": addr,
		"message": sprintf("%s attaches the AWS-managed policy %s", [attribute, arn]),
	}
}

attachment_attributes := {
	"aws_iam_role_policy_attachment": ["policy_arn"],
	"aws_iam_user_policy_attachment": ["policy_arn"],
	"aws_iam_group_policy_attachment": ["policy_arn"],
	"aws_iam_policy_attachment": ["policy_arn"],
	"aws_iam_role": ["managed_policy_arns"],
	"aws_iam_role_policy_attachments_exclusive": ["policy_arns"],
	"aws_iam_user_policy_attachments_exclusive": ["policy_arns"],
	"aws_iam_group_policy_attachments_exclusive": ["policy_arns"],
}

admin_policy(arn) if regex.match(`^arn:aws[a-z-]*:iam::aws:policy/(AdministratorAccess|AdministratorAccess-Amplify|PowerUserAccess|IAMFullAccess|job-function/SystemAdministrator)$`, arn)
