package credex.rules.iam_test

import data.credex.rules.iam

res(addr, type, values) := {"type": type, "name": addr, "mode": "managed", "values": values}

policy(doc) := {"resources": {"aws_iam_policy.p": res("p", "aws_iam_policy", {"policy": json.marshal(doc)})}}

allow(actions, resources) := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}]}

data_doc(statements) := {"type": "aws_iam_policy_document", "name": "d", "mode": "data", "values": {"statement": statements}}

via_data(statements) := {"resources": {
	"aws_iam_role_policy.p": res("p", "aws_iam_role_policy", {"policy": "${data.aws_iam_policy_document.d.json}"}),
	"data.aws_iam_policy_document.d": data_doc(statements),
}}

test_wildcard_01_denied if {
	count(iam.wildcard_action) == 1 with input as policy(allow("*", "*"))
	some f in iam.wildcard_action with input as policy(allow(["s3:*", "s3:GetObject"], "arn:aws:s3:::b/*"))
	contains(f.message, "s3:*")
	not contains(f.message, "GetObject")
}

test_wildcard_02_deny_statement_ok if {
	count(iam.wildcard_action) == 0 with input as policy({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})
	count(iam.wildcard_action) == 0 with input as policy(allow(["s3:GetObject"], ["arn:aws:s3:::b/*"]))
}

# A data source referenced as ${data.aws_iam_policy_document.d.json} is judged by its statements, at the consumer.
test_wildcard_03_via_data_source if {
	some f in iam.wildcard_action with input as via_data([{"actions": ["ecs:*"], "resources": ["*"]}])
	f.address == "aws_iam_role_policy.p"
	contains(f.message, "data.aws_iam_policy_document.d")
}

# A data source no resource uses is judged where it is.
test_wildcard_04_unreferenced_data_source if {
	some f in iam.wildcard_action with input as {"resources": {"data.aws_iam_policy_document.d": data_doc([{"effect": "Allow", "actions": ["*"], "resources": ["*"]}])}}
	f.address == "data.aws_iam_policy_document.d"
}

test_not_action_01_denied if {
	count(iam.allow_not_action) == 1 with input as policy({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})
	count(iam.allow_not_action) == 1 with input as via_data([{"not_actions": ["iam:*"], "resources": ["*"]}])
}

test_not_action_02_deny_ok if {
	count(iam.allow_not_action) == 0 with input as policy({"Statement": [{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}]})
}

test_resource_star_01_write_denied if {
	some f in iam.resource_star with input as policy(allow(["iam:PassRole", "ec2:DescribeInstances"], "*"))
	contains(f.message, "iam:PassRole")
	not contains(f.message, "DescribeInstances")
	count(iam.resource_star) == 1 with input as policy(allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*"))
	count(iam.resource_star) == 1 with input as policy({"Statement": [{"Effect": "Allow", "Action": "ecs:UpdateService", "NotResource": "arn:aws:ecs:x:1:service/a/b"}]})
	count(iam.resource_star) == 1 with input as via_data([{"actions": ["ecr:PutImage"], "resources": ["*"]}])
	count(iam.resource_star) == 1 with input as policy(allow("ecs:UpdateService", "arn:aws:ecs:af-south-1:1:*"))
}

# A JSON policy string with ${...} references inside is still parsed and judged.
test_resource_star_02_json_with_references if {
	doc := "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:RunTask\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"${aws_s3_bucket.b.arn}/*\"}]}"
	some f in iam.resource_star with input as {"resources": {"aws_iam_policy.p": res("p", "aws_iam_policy", {"policy": doc})}}
	contains(f.message, "ecs:RunTask")
	contains(f.message, "statement 0")
}

test_resource_star_03_unscopable_ok if {
	count(iam.resource_star) == 0 with input as policy(allow(["ecr:GetAuthorizationToken", "sts:GetCallerIdentity", "ec2:Describe*", "logs:DescribeLogGroups"], "*"))
	count(iam.resource_star) == 0 with input as policy(allow(["secretsmanager:GetSecretValue"], "${aws_secretsmanager_secret.s.arn}"))
}

# A log-group ARN with the :* suffix names that group's streams: it is not a wildcard.
test_resource_star_04_log_group_suffix_ok if {
	count(iam.resource_star) == 0 with input as policy(allow(["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:af-south-1:1:log-group:/ecs/api:*"))
	count(iam.resource_star) == 1 with input as policy(allow(["logs:PutLogEvents"], "*"))
}

# Every resource of a type is too broad only for the sensitive actions (creating a resource needs such an ARN).
test_resource_star_07_type_wildcards if {
	some f in iam.resource_star with input as policy(allow(["iam:PassRole", "iam:GetRole"], "arn:aws:iam::1:role/*"))
	contains(f.message, "iam:PassRole")
	not contains(f.message, "GetRole")
	count(iam.resource_star) == 0 with input as policy(allow("ec2:CreateVpc", "arn:aws:ec2:af-south-1:1:vpc/*"))
	count(iam.resource_star) == 0 with input as policy(allow("iam:PassRole", "arn:aws:iam::1:role/credex-*"))
}

# A permissions boundary grants nothing: its Allow statements are not judged.
test_boundary_01_by_permissions_boundary_attribute if {
	boundary := res("b", "aws_iam_policy", {"name": "limits", "policy": json.marshal(allow("*", "*"))})
	role := res("r", "aws_iam_role", {"permissions_boundary": "arn:aws:iam::1:policy/limits"})
	count(iam.wildcard_action) == 0 with input as {"resources": {"aws_iam_policy.b": boundary, "aws_iam_role.r": role}}
	count(iam.wildcard_action) == 1 with input as {"resources": {"aws_iam_policy.b": boundary}}
	by_ref := res("r", "aws_iam_role", {"permissions_boundary": "${aws_iam_policy.b.arn}"})
	count(iam.wildcard_action) == 0 with input as {"resources": {"aws_iam_policy.b": boundary, "aws_iam_role.r": by_ref}}
}

test_boundary_02_by_condition if {
	boundary := res("b", "aws_iam_policy", {"name": "limits", "policy": json.marshal(allow("ec2:*", "*"))})
	deployer := res("d", "aws_iam_policy", {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "arn:aws:iam::1:role/app-*", "Condition": {"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::1:policy/limits"}}}]})})
	count(iam.wildcard_action) == 0 with input as {"resources": {"aws_iam_policy.b": boundary, "aws_iam_policy.d": deployer}}
}

test_resource_star_05_tag_condition_ok if {
	count(iam.resource_star) == 0 with input as via_data([{"actions": ["ec2:CreateTags"], "resources": ["arn:aws:ec2:af-south-1:*:instance/*"], "condition": [{"test": "StringEquals", "variable": "aws:ResourceTag/ManagedBy", "values": ["x"]}]}])
	count(iam.resource_star) == 0 with input as policy({"Statement": [{"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*", "Condition": {"StringEquals": {"ec2:ResourceTag/Role": "builder"}}}]})
	count(iam.resource_star) == 0 with input as policy({"Statement": [{"Effect": "Allow", "Action": "dlm:CreateLifecyclePolicy", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestTag/project": "credex"}}}]})
	count(iam.resource_star) == 1 with input as policy({"Statement": [{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})
}

# Trust policies have no resources and are not judged by the resource rule.
test_resource_star_06_trust_ignored if {
	trust := {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}
	count(iam.resource_star) == 0 with input as {"resources": {"aws_iam_role.r": res("r", "aws_iam_role", {"assume_role_policy": json.marshal(trust)})}}
}

test_admin_01_denied if {
	count(iam.admin_policy_attached) == 1 with input as {"resources": {"aws_iam_role_policy_attachment.a": res("a", "aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"})}}
	count(iam.admin_policy_attached) == 1 with input as {"resources": {"aws_iam_group_policy_attachment.a": res("a", "aws_iam_group_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/PowerUserAccess"})}}
	count(iam.admin_policy_attached) == 1 with input as {"resources": {"aws_iam_role.r": res("r", "aws_iam_role", {"managed_policy_arns": ["arn:aws:iam::aws:policy/IAMFullAccess"]})}}
}

test_admin_02_scoped_ok if {
	count(iam.admin_policy_attached) == 0 with input as {"resources": {"aws_iam_role_policy_attachment.a": res("a", "aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"})}}
}

trust_role(principal, condition) := {"resources": {"aws_iam_role.r": res("r", "aws_iam_role", {"assume_role_policy": json.marshal({"Statement": [object.union({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}, condition)]})})}}

test_principal_01_wildcard_denied if {
	count(iam.wildcard_principal) == 1 with input as trust_role("*", {})
	count(iam.wildcard_principal) == 1 with input as trust_role({"AWS": "*"}, {"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}})
	count(iam.wildcard_principal) == 1 with input as via_data([{"actions": ["sts:AssumeRole"], "principals": [{"type": "AWS", "identifiers": ["*"]}]}])
}

test_principal_02_named_ok if {
	count(iam.wildcard_principal) == 0 with input as trust_role({"Service": "ecs-tasks.amazonaws.com"}, {})
	count(iam.wildcard_principal) == 0 with input as trust_role({"Federated": ["arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"]}, {})
}

test_principal_03_resource_policy_with_condition_ok if {
	doc := {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Principal": {"AWS": "*"}, "Resource": "arn:aws:s3:::logs/*", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}]}
	count(iam.wildcard_principal) == 0 with input as {"resources": {"aws_s3_bucket_policy.b": res("b", "aws_s3_bucket_policy", {"policy": json.marshal(doc)})}}
}

test_user_01_inline_flagged if {
	count(iam.user_policy) == 1 with input as {"resources": {"aws_iam_user_policy.u": res("u", "aws_iam_user_policy", {"policy": "{}"})}}
}

test_user_02_group_ok if {
	count(iam.user_policy) == 0 with input as {"resources": {"aws_iam_group_policy.g": res("g", "aws_iam_group_policy", {"policy": "{}"})}}
}

test_undecidable_01_flagged if {
	some f in iam.undecidable_policy with input as {"resources": {"aws_iam_policy.p": res("p", "aws_iam_policy", {"policy": "${file(\"x.json\")}"})}}
	contains(f.message, "unresolved expression")
	some g in iam.undecidable_policy with input as {"resources": {"aws_iam_policy.p": res("p", "aws_iam_policy", {"policy": "{not json"})}}
	contains(g.message, "not valid JSON")
	some h in iam.undecidable_policy with input as {"resources": {"aws_iam_policy.p": res("p", "aws_iam_policy", {"policy": "${data.aws_iam_policy_document.gone.json}"})}}
	contains(h.message, "not in the input")
}

test_undecidable_02_inline_policy_judged if {
	doc := json.marshal(allow("*", "*"))
	count(iam.wildcard_action) == 1 with input as {"resources": {"aws_iam_role.r": res("r", "aws_iam_role", {"inline_policy": [{"name": "i", "policy": doc}]})}}
	count(iam.undecidable_policy) == 0 with input as {"resources": {"aws_iam_role.r": res("r", "aws_iam_role", {"inline_policy": [{"name": "i", "policy": doc}]})}}
}

# Two expressions in one statement give one reason each kind, not a conflict.
test_undecidable_statement_two_expressions if {
	doc := json.marshal({"Statement": [{"Effect": "Allow", "Action": ["${var.a}", "${var.b}"], "Resource": ["${local.x}", "${local.y}"]}]})
	found := iam.undecidable_policy with input as {"resources": {"aws_iam_policy.p": {"type": "aws_iam_policy", "name": "p", "mode": "managed", "values": {"policy": doc}}}}
	count(found) == 2
}
