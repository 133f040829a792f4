package credex.rules.iam_test

import data.credex.rules.iam

# IAM actions judged as patterns against the sensitive set: a pattern that can match a sensitive action is that
# action, on every resource of its type and on "*".
test_patterns_01_sensitive_patterns_on_type_wildcards if {
	some f in iam.resource_star with input as policy(allow("iam:Pass*", "arn:aws:iam::123456789012:role/*"))
	contains(f.message, "iam:Pass*")
	count(iam.resource_star) == 1 with input as policy(allow("secretsmanager:GetSecret*", "arn:aws:secretsmanager:af-south-1:123456789012:secret:*"))
	count(iam.resource_star) == 1 with input as policy(allow("ssm:GetParam?ter", "arn:aws:ssm:af-south-1:123456789012:parameter/*"))
	count(iam.resource_star) == 1 with input as policy(allow("KMS:Decr*", "arn:aws:kms:af-south-1:123456789012:key/*"))
	count(iam.resource_star) == 1 with input as via_data([{"actions": ["iam:*Role"], "resources": ["arn:aws:iam::1:role/*"]}])
}

test_patterns_02_sensitive_patterns_on_star if {
	count(iam.resource_star) == 1 with input as policy(allow("secretsmanager:GetSecret*", "*"))
	count(iam.resource_star) == 1 with input as policy(allow("iam:Pass*", "*"))
}

# Patterns that cannot match a sensitive action stay what they were: reads on a type wildcard are fine.
test_patterns_03_harmless_patterns_ok if {
	count(iam.resource_star) == 0 with input as policy(allow("secretsmanager:Describe*", "arn:aws:secretsmanager:af-south-1:123456789012:secret:*"))
	count(iam.resource_star) == 0 with input as policy(allow("iam:Get*", "arn:aws:iam::123456789012:role/*"))
	count(iam.resource_star) == 0 with input as policy(allow("ec2:Describe*", "*"))
}

# The older carriers of the same permissions: AWS SSO permission sets.
test_patterns_04_sso_permission_sets if {
	sso := {"resources": {"aws_ssoadmin_permission_set_inline_policy.p": res("p", "aws_ssoadmin_permission_set_inline_policy", {"inline_policy": json.marshal(allow("*", "*")), "instance_arn": "i", "permission_set_arn": "ps"})}}
	some f in iam.wildcard_action with input as sso
	f.address == "aws_ssoadmin_permission_set_inline_policy.p"
	admin := {"resources": {"aws_ssoadmin_managed_policy_attachment.a": res("a", "aws_ssoadmin_managed_policy_attachment", {"managed_policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess", "instance_arn": "i", "permission_set_arn": "ps"})}}
	count(iam.admin_policy_attached) == 1 with input as admin
}
