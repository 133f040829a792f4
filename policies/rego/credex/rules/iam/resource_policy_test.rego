package credex.rules.iam_test

import data.credex.rules.iam

# Resource policies as policies: every carrier, NotPrincipal, and conditions judged by what they restrict.
carrier_doc(type, attribute, statement) := {"resources": {sprintf("%s.r", [type]): {"type": type, "name": "r", "mode": "managed", "values": {attribute: json.marshal({"Version": "2012-10-17", "Statement": [statement]})}}}}

public_read := {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}

carriers := [
	["aws_kms_key", "policy"], ["aws_kms_key_policy", "policy"],
	["aws_secretsmanager_secret", "policy"], ["aws_secretsmanager_secret_policy", "policy"],
	["aws_s3_bucket_policy", "policy"], ["aws_s3_bucket", "policy"],
	["aws_ecr_repository_policy", "policy"], ["aws_sns_topic_policy", "policy"], ["aws_sns_topic", "policy"],
]

test_resource_policy_01_every_carrier_judged if {
	every c in carriers {
		count(iam.wildcard_principal) == 1 with input as carrier_doc(c[0], c[1], public_read)
	}
}

test_resource_policy_02_not_principal_with_allow if {
	statement := {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:role/admin"}, "Action": "kms:Decrypt", "Resource": "*"}
	some f in iam.wildcard_principal with input as carrier_doc("aws_kms_key_policy", "policy", statement)
	contains(f.message, "every principal except arn:aws:iam::1:role/admin (NotPrincipal)")

	# Deny with NotPrincipal is the documented way to lock a resource down: no finding.
	count(iam.wildcard_principal) == 0 with input as carrier_doc("aws_kms_key_policy", "policy", object.union(statement, {"Effect": "Deny"}))

	# aws_iam_policy_document's not_principals blocks.
	doc := {"resources": {
		"aws_secretsmanager_secret_policy.p": {"type": "aws_secretsmanager_secret_policy", "name": "p", "mode": "managed", "values": {"policy": "${data.aws_iam_policy_document.d.json}"}},
		"data.aws_iam_policy_document.d": {"type": "aws_iam_policy_document", "name": "d", "mode": "data", "values": {"statement": [{"actions": ["secretsmanager:GetSecretValue"], "resources": ["*"], "not_principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}]}]}},
	}}
	count(iam.wildcard_principal) == 1 with input as doc

	# A data source no resource uses is judged where it is, at any module depth.
	lone := {"type": "aws_iam_policy_document", "name": "d", "mode": "data", "values": doc.resources["data.aws_iam_policy_document.d"].values}
	some g in iam.wildcard_principal with input as {"resources": {"module.a.module.b.data.aws_iam_policy_document.d": lone}}
	g.address == "module.a.module.b.data.aws_iam_policy_document.d"
}

test_resource_policy_03_transport_condition_does_not_narrow if {
	statement := object.union(public_read, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})
	some f in iam.wildcard_principal with input as carrier_doc("aws_secretsmanager_secret", "policy", statement)
	contains(f.message, "condition(s) on aws:SecureTransport do not narrow who may use it")
}

narrowed(condition) := object.union(public_read, {"Condition": condition})

test_resource_policy_04_narrowing_conditions_ok if {
	every condition in [
		{"StringEquals": {"aws:SourceAccount": "123456789012"}},
		{"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:af-south-1:123456789012:trail/*"}},
		{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
		{"StringEquals": {"aws:PrincipalAccount": ["123456789012", "210987654321"]}},
		{"StringEquals": {"aws:SourceAccount": "${data.aws_caller_identity.current.account_id}"}},
		{"ArnEquals": {"aws:SourceArn": "${aws_cloudtrail.main.arn}"}},
		{"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": "123456789012"}},
	] {
		count(iam.wildcard_principal) == 0 with input as carrier_doc("aws_sns_topic_policy", "policy", narrowed(condition))
	}
}

# Conditions that look narrowing but are not: IfExists (passes when the key is absent), negated and Null operators,
# wildcard accounts or ARNs, values the gate cannot see.
test_resource_policy_05_false_narrowing_denied if {
	every condition in [
		{"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}},
		{"StringNotEquals": {"aws:SourceAccount": "123456789012"}},
		{"Null": {"aws:SourceArn": "false"}},
		{"StringLike": {"aws:SourceAccount": "*"}},
		{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}},
		{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
		{"StringEquals": {"aws:PrincipalOrgID": "${var.org_id}"}},
		{"StringEquals": {"aws:CurrentTime": "2030-01-01"}},
		{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
	] {
		count(iam.wildcard_principal) == 1 with input as carrier_doc("aws_s3_bucket_policy", "policy", narrowed(condition))
	}
}

# Data-source documents carry conditions as blocks.
conditioned_doc(test, variable, values) := {"resources": {
	"aws_sns_topic_policy.p": {"type": "aws_sns_topic_policy", "name": "p", "mode": "managed", "values": {"policy": "${data.aws_iam_policy_document.d.json}"}},
	"data.aws_iam_policy_document.d": {"type": "aws_iam_policy_document", "name": "d", "mode": "data", "values": {"statement": [{"actions": ["sns:Publish"], "resources": ["*"], "principals": [{"type": "*", "identifiers": ["*"]}], "condition": [{"test": test, "variable": variable, "values": values}]}]}},
}}

test_resource_policy_06_data_conditions if {
	count(iam.wildcard_principal) == 0 with input as conditioned_doc("StringEquals", "aws:SourceAccount", ["123456789012"])
	count(iam.wildcard_principal) == 1 with input as conditioned_doc("Bool", "aws:SecureTransport", ["true"])
}

# A trust policy is never narrowed by a condition (CDX-IAM-005 as before).
test_resource_policy_07_trust_unchanged if {
	trust := {"resources": {"aws_iam_role.r": {"type": "aws_iam_role", "name": "r", "mode": "managed", "values": {"assume_role_policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]})}}}}
	count(iam.wildcard_principal) == 1 with input as trust
}

# A resource's own policy argument that the configuration did not set is AWS's default policy in a plan (known only
# after apply): nothing to judge. An identity policy the gate cannot see is still CDX-IAM-007.
test_resource_policy_08_provider_default_policy if {
	every type in ["aws_kms_key", "aws_secretsmanager_secret", "aws_s3_bucket", "aws_sns_topic"] {
		count(iam.undecidable_policy) == 0 with input as {"resources": {"x.r": {"type": type, "name": "r", "mode": "managed", "values": {"policy": "${(known after apply)}"}}}}
	}
	count(iam.undecidable_policy) == 1 with input as {"resources": {"aws_iam_policy.p": {"type": "aws_iam_policy", "name": "p", "mode": "managed", "values": {"policy": "${(known after apply)}"}}}}
}
