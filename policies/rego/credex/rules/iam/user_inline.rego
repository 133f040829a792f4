package credex.rules.iam

# METADATA
# title: Users get permissions from groups
# description: >-
#   Policies on individual IAM users (inline or attached) scatter permissions across identities and are
#   missed in reviews; permissions belong to groups the users join.
# scope: document
# custom:
#   id: CDX-IAM-006
#   severity: warn
#   remediation: Put the policy on an aws_iam_group and add the user to it with aws_iam_user_group_membership.
user_policy contains finding if {
	some addr, r in input.resources
	r.mode != "data"
	r.type in {"aws_iam_user_policy", "aws_iam_user_policy_attachment"}
	finding := {
		"address": addr,
		"message": sprintf("%s gives permissions to a user directly; use a group", [r.type]),
	}
}
