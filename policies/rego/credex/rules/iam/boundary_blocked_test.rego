package credex.rules.iam_test

import data.credex.rules.iam

managed(type, name, values) := {sprintf("%s.%s", [type, name]): {"type": type, "name": name, "mode": "managed", "values": values}}

json_doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

# cdktf shape: references between the role, its boundary and the secret.
boundary_cdktf(boundary_actions) := {"format": "cdktf", "region": "af-south-1", "resources": object.union(
	object.union(
		managed("aws_iam_policy", "boundary", {"name": "workloads", "policy": json_doc([{"Effect": "Allow", "Action": boundary_actions, "Resource": "arn:aws:secretsmanager:af-south-1:$${aws:PrincipalAccount}:secret:app-*"}])}),
		managed("aws_iam_role", "worker", {"name": "worker", "permissions_boundary": "${aws_iam_policy.boundary.arn}"}),
	),
	object.union(
		managed("aws_iam_role_policy", "worker", {"role": "${aws_iam_role.worker.id}", "policy": json_doc([{"Sid": "Secret", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], "Resource": "${aws_secretsmanager_secret.app.arn}"}])}),
		managed("aws_secretsmanager_secret", "app", {"name": "app"}),
	),
)}

# Plan shape: every value resolved, the account real.
boundary_plan(boundary_actions) := {"format": "plan", "resources": object.union(
	object.union(
		managed("aws_iam_policy", "boundary", {"name": "workloads", "arn": "arn:aws:iam::123456789012:policy/workloads", "policy": json_doc([{"Effect": "Allow", "Action": boundary_actions, "Resource": "arn:aws:secretsmanager:af-south-1:123456789012:secret:app-*"}])}),
		managed("aws_iam_role", "worker", {"name": "worker", "permissions_boundary": "arn:aws:iam::123456789012:policy/workloads", "tags_all": {"environment": "staging"}}),
	),
	managed("aws_iam_role_policy", "worker", {"role": "worker", "policy": json_doc([{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], "Resource": "arn:aws:secretsmanager:af-south-1:123456789012:secret:app-XyZ123"}])}),
)}

test_boundary_blocked_01_dead_write_cdktf if {
	found := iam.boundary_blocked with input as boundary_cdktf(["secretsmanager:GetSecretValue"])
	count(found) == 1
	some f in found
	f.address == "aws_iam_role_policy.worker"
	contains(f.message, "statement 0 (Secret) of the policy of role worker grants secretsmanager:PutSecretValue on ${aws_secretsmanager_secret.app.arn}")
	endswith(f.message, "never allows: the grant is dead")
}

test_boundary_blocked_02_within_cdktf_ok if {
	count(iam.boundary_blocked) == 0 with input as boundary_cdktf(["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"])
}

test_boundary_blocked_03_dead_write_plan if {
	found := iam.boundary_blocked with input as boundary_plan(["secretsmanager:GetSecretValue"])
	[f.address | some f in found] == ["aws_iam_role_policy.worker"]
}

test_boundary_blocked_04_within_plan_ok if {
	count(iam.boundary_blocked) == 0 with input as boundary_plan(["secretsmanager:Get*", "secretsmanager:PutSecretValue"])
}

tag_boundary(env) := json_doc([{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/environment": env, "aws:ResourceTag/environment": "staging"}}}])

# The role's own tags decide a boundary condition on them; a condition on request-time keys may hold.
test_boundary_blocked_05_principal_tag_conditions if {
	other := object.union(boundary_plan([]), {"resources": managed("aws_iam_policy", "boundary", {"policy": tag_boundary("production")})})
	count(iam.boundary_blocked) == 1 with input as other
	same := object.union(boundary_plan([]), {"resources": managed("aws_iam_policy", "boundary", {"policy": tag_boundary("staging")})})
	count(iam.boundary_blocked) == 0 with input as same
}

# A boundary owned by another document (the estate's global stack) is not judged here, and AWS-managed policies
# are not judged at all.
test_boundary_blocked_06_elsewhere_or_aws_managed_not_judged if {
	elsewhere := object.union(boundary_plan(["secretsmanager:GetSecretValue"]), {"resources": managed("aws_iam_role", "worker", {"permissions_boundary": "arn:aws:iam::123456789012:policy/other"})})
	count(iam.boundary_blocked) == 0 with input as elsewhere
	aws := object.union(boundary_plan(["secretsmanager:GetSecretValue"]), {"resources": object.union(
		managed("aws_iam_role_policy", "worker", {"role": "nobody"}),
		managed("aws_iam_role_policy_attachment", "ro", {"role": "worker", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
	)})
	count(iam.boundary_blocked) == 0 with input as object.union(aws, {"managed_policies": {"arn:aws:iam::aws:policy/ReadOnlyAccess": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}})
}
