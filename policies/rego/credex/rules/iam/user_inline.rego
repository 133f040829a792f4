package credex.rules.iam

import data.credex.lib

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
	r.type in {"aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_user_policy_attachments_exclusive"}
	finding := {
		"address": addr,
		"message": sprintf("%s gives permissions to a user directly; use a group", [r.type]),
	}
}

# aws_iam_policy_attachment attaches to users, groups and roles at once: its users list counts.
user_policy contains finding if {
	some addr, r in lib.resources("aws_iam_policy_attachment")
	users := lib.attr_strings(lib.values(r), "users")
	count(users) > 0
	finding := {
		"address": addr,
		"message": sprintf("aws_iam_policy_attachment attaches the policy to user(s) %s directly; use a group", [concat(", ", users)]),
	}
}
