package credex.rules.iam_test

import data.credex.rules.iam

oidc_provider_arn := "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

oidc_role(condition) := oidc_role_with(oidc_provider_arn, condition)

oidc_role_with(federated, condition) := {"resources": {"aws_iam_role.deploy": {
	"type": "aws_iam_role", "name": "deploy", "mode": "managed",
	"values": {"assume_role_policy": json.marshal({"Version": "2012-10-17", "Statement": [{
		"Sid": "GithubDeploy",
		"Effect": "Allow",
		"Principal": {"Federated": federated},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": condition,
	}]})},
}}}

oidc_aud := {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}

oidc_sub(subjects) := {"StringEquals": object.union(oidc_aud, {"token.actions.githubusercontent.com:sub": subjects})}

oidc_env := "repo:Credex/credex-core:environment:production"

# The same trust as an aws_iam_policy_document the role refers to.
oidc_data_role(conditions) := {"resources": {
	"aws_iam_role.deploy": {"type": "aws_iam_role", "name": "deploy", "mode": "managed", "values": {"assume_role_policy": "${data.aws_iam_policy_document.trust.json}"}},
	"aws_iam_openid_connect_provider.github": {"type": "aws_iam_openid_connect_provider", "name": "github", "mode": "managed", "values": {"url": "https://token.actions.githubusercontent.com"}},
	"data.aws_iam_policy_document.trust": {"type": "aws_iam_policy_document", "name": "trust", "mode": "data", "values": {"statement": [{
		"actions": ["sts:AssumeRoleWithWebIdentity"],
		"principals": [{"type": "Federated", "identifiers": ["${aws_iam_openid_connect_provider.github.arn}"]}],
		"condition": conditions,
	}]}},
}}

test_oidc_trust_01_environment_subject_ok if {
	count(iam.github_oidc_trust) == 0 with input as oidc_role(oidc_sub(oidc_env))
	count(iam.github_oidc_trust) == 0 with input as oidc_role(oidc_sub([oidc_env]))
	count(iam.github_oidc_trust) == 0 with input as oidc_data_role([
		{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud", "values": ["sts.amazonaws.com"]},
		{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:sub", "values": [oidc_env]},
	])
}

# The seed's trust: the environment subject and the deploy branch. The branch alone is the finding.
test_oidc_trust_02_branch_subject_denied if {
	findings := iam.github_oidc_trust with input as oidc_role(oidc_sub(["repo:Credex/credex-core:ref:refs/heads/prod", oidc_env]))
	count(findings) == 1
	some f in findings
	f.address == "aws_iam_role.deploy"
	contains(f.message, "assume_role_policy statement 0 (GithubDeploy) trusts sub \"repo:Credex/credex-core:ref:refs/heads/prod\", a branch or tag ref")
	count(iam.github_oidc_trust) == 1 with input as oidc_role(oidc_sub("repo:Credex/credex-core:ref:refs/tags/v1.0.0"))
}

test_oidc_trust_03_wildcard_denied if {
	some f in iam.github_oidc_trust with input as oidc_role({"StringEquals": oidc_aud, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:Credex/credex-core:*"}})
	contains(f.message, "with StringLike: the wildcard")
	count(iam.github_oidc_trust) == 1 with input as oidc_role({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:Credex/credex-core:environment:prod?ction"}})

	# Under StringEquals "*" is a literal character: no token carries it, nothing is admitted.
	count(iam.github_oidc_trust) == 0 with input as oidc_role(oidc_sub("repo:Credex/credex-core:environment:*"))
}

test_oidc_trust_04_missing_sub_denied if {
	some f in iam.github_oidc_trust with input as oidc_role({"StringEquals": oidc_aud})
	contains(f.message, "has no sub condition")
	count(iam.github_oidc_trust) == 1 with input as oidc_role_with(oidc_provider_arn, null)

	# A negated operator restricts nothing.
	count(iam.github_oidc_trust) == 1 with input as oidc_role({"StringEquals": oidc_aud, "StringNotEquals": {"token.actions.githubusercontent.com:sub": "repo:evil/fork:environment:production"}})
}

test_oidc_trust_05_other_subjects_denied if {
	some f in iam.github_oidc_trust with input as oidc_role(oidc_sub("repo:Credex/credex-core:pull_request"))
	contains(f.message, "is not a GitHub environment subject")
	some g in iam.github_oidc_trust with input as oidc_role(oidc_sub("${var.subject}"))
	contains(g.message, "an unresolved reference")
}

test_oidc_trust_06_data_source_shape if {
	some f in iam.github_oidc_trust with input as oidc_data_role([{"test": "StringLike", "variable": "token.actions.githubusercontent.com:sub", "values": ["repo:Credex/credex-core:ref:refs/heads/*"]}])
	f.address == "aws_iam_role.deploy"
	contains(f.message, "(from data.aws_iam_policy_document.trust) statement 0 trusts sub")
	count(iam.github_oidc_trust) == 1 with input as oidc_data_role([])
}

# A provider by reference (cdktf's jsonencode of the provider's arn) is recognised through its URL.
test_oidc_trust_07_provider_reference if {
	with_provider := object.union(oidc_role_with("${aws_iam_openid_connect_provider.github.arn}", {"StringEquals": oidc_aud}), {"resources": {"aws_iam_openid_connect_provider.github": {
		"type": "aws_iam_openid_connect_provider", "name": "github", "mode": "managed",
		"values": {"url": "https://token.actions.githubusercontent.com"},
	}}})
	count(iam.github_oidc_trust) == 1 with input as with_provider

	# The same claims keys name GitHub even when the provider is an unknown reference.
	count(iam.github_oidc_trust) == 1 with input as oidc_role_with("${var.provider_arn}", oidc_sub("repo:o/r:ref:refs/heads/main"))
}

test_oidc_trust_08_other_trusts_ignored if {
	cognito := "arn:aws:iam::123456789012:oidc-provider/cognito-identity.amazonaws.com"
	count(iam.github_oidc_trust) == 0 with input as oidc_role_with(cognito, {"StringEquals": {"cognito-identity.amazonaws.com:aud": "x"}})
	deny := {"resources": {"aws_iam_role.r": {"type": "aws_iam_role", "name": "r", "mode": "managed", "values": {"assume_role_policy": json.marshal({"Statement": [{"Effect": "Deny", "Principal": {"Federated": oidc_provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity"}]})}}}}
	count(iam.github_oidc_trust) == 0 with input as deny
	tag_only := {"resources": {"aws_iam_role.r": {"type": "aws_iam_role", "name": "r", "mode": "managed", "values": {"assume_role_policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Federated": oidc_provider_arn}, "Action": "sts:TagSession"}]})}}}}
	count(iam.github_oidc_trust) == 0 with input as tag_only
	star := {"resources": {"aws_iam_role.r": {"type": "aws_iam_role", "name": "r", "mode": "managed", "values": {"assume_role_policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Federated": oidc_provider_arn}, "Action": "sts:*"}]})}}}}
	count(iam.github_oidc_trust) == 1 with input as star
}

# The action may be spelled as a glob (or a list): the trust is judged all the same.
oidc_role_action(action) := {"resources": {"aws_iam_role.deploy": {
	"type": "aws_iam_role", "name": "deploy", "mode": "managed",
	"values": {"assume_role_policy": json.marshal({"Version": "2012-10-17", "Statement": [{
		"Effect": "Allow",
		"Principal": {"Federated": oidc_provider_arn},
		"Action": action,
		"Condition": oidc_sub("repo:Credex/credex-core:ref:refs/heads/prod"),
	}]})},
}}}

test_oidc_trust_20_action_spellings_denied if {
	every action in ["sts:AssumeRoleWith*", "sts:*", "*", "STS:ASSUMEROLEWITHWEBIDENTITY", "sts:AssumeRoleWith?ebIdentity", ["sts:TagSession", "sts:AssumeRoleWithWebIdentity"]] {
		count(iam.github_oidc_trust) == 1 with input as oidc_role_action(action)
	}
}

test_oidc_trust_21_other_actions_not_judged if {
	count(iam.github_oidc_trust) == 0 with input as oidc_role_action("sts:AssumeRole")
}

# A deploy role must trust nothing besides its GitHub environment.
oidc_role_plus(other) := {"resources": {"aws_iam_role.deploy": {
	"type": "aws_iam_role", "name": "deploy", "mode": "managed",
	"values": {"assume_role_policy": json.marshal({"Version": "2012-10-17", "Statement": [
		{
			"Effect": "Allow",
			"Principal": {"Federated": oidc_provider_arn},
			"Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": oidc_sub(oidc_env),
		},
		other,
	]})},
}}}

test_oidc_trust_22_other_principals_denied if {
	every other in [
		{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"},
		{"Effect": "Allow", "Principal": "*", "Action": "sts:*"},
		{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": ["sts:AssumeRole"]},
	] {
		some f in iam.github_oidc_trust with input as oidc_role_plus(other)
		contains(f.message, "statement 1 also lets")
	}
}

test_oidc_trust_23_only_github_ok if {
	count(iam.github_oidc_trust) == 0 with input as oidc_role_plus({"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"})
	count(iam.github_oidc_trust) == 0 with input as oidc_role_plus({"Effect": "Allow", "Principal": {"Federated": oidc_provider_arn}, "Action": "sts:TagSession"})
}
