package credex.effective_test

import data.credex.effective

res(type, name, values) := {sprintf("%s.%s", [type, name]): {"type": type, "name": name, "mode": "managed", "values": values}}

data_res(type, name, values) := {sprintf("data.%s.%s", [type, name]): {"type": type, "name": name, "mode": "data", "values": values}}

union_all(objects) := {k: v | some o in objects; some k, v in o}

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

base := union_all([
	data_res("aws_caller_identity", "me", {}),
	data_res("aws_partition", "p", {}),
	data_res("aws_region", "r", {}),
])

world(resources, calls) := {"format": "cdktf", "stack": "s", "environment": "", "region": "eu-west-1", "account": "123456789012", "resources": object.union(base, resources), "calls": calls}

# The input of one call; a test reads its decision with `the_decision with input as one(resources, call)`.
one(resources, call) := world(resources, [object.union({"id": "c"}, call)])

the_decision := d if some d in effective.decisions

# ---- resolve: the ARN model ---------------------------------------------------------------------------------------

test_resolve_01_references_and_variables if {
	r := union_all([
		res("aws_secretsmanager_secret", "s", {"name": "app"}),
		res("aws_sns_topic", "t", {"name": "alarms"}),
	])
	got := effective.resolve("arn:${data.aws_partition.p.partition}:x:${data.aws_region.r.name}:${data.aws_caller_identity.me.account_id}:$${aws:PrincipalTag/env}") with input as world(r, [])
	got == "arn:aws:x:eu-west-1:123456789012:${aws:PrincipalTag/env}"
	effective.resolve("${aws_secretsmanager_secret.s.arn}/*") == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf/*" with input as world(r, [])
	effective.resolve(`${element(split(":", aws_sns_topic.t.arn), 4)}`) == "123456789012" with input as world(r, [])
	effective.resolve("${aws:username}") == "${aws:username}" with input as world(r, [])
}

test_resolve_02_unknown_reference_is_marked_not_guessed if {
	s := effective.res("${var.thing}") with input as world({}, [])
	effective.is_unresolved(s)
	effective.unresolved_text(s) == "${var.thing}"
	not effective.resolve("${local.x.arn}") with input as world({}, [])
}

arn_cases := [
	["aws_iam_role", {"name": "r", "path": "/p/"}, "arn:aws:iam::123456789012:role/p/r"],
	["aws_iam_policy", {"name": "pol"}, "arn:aws:iam::123456789012:policy/pol"],
	["aws_iam_instance_profile", {"name_prefix": "ip-"}, "arn:aws:iam::123456789012:instance-profile/ip-gen"],
	["aws_iam_user", {"name": "u"}, "arn:aws:iam::123456789012:user/u"],
	["aws_iam_group", {"name": "g"}, "arn:aws:iam::123456789012:group/g"],
	["aws_iam_openid_connect_provider", {"url": "https://token.example.com"}, "arn:aws:iam::123456789012:oidc-provider/token.example.com"],
	["aws_kms_alias", {"name": "alias/a"}, "arn:aws:kms:eu-west-1:123456789012:alias/a"],
	["aws_kms_key", {}, "arn:aws:kms:eu-west-1:123456789012:key/gen-aws-kms-key-x"],
	["aws_cloudwatch_log_group", {"name": "/ecs/a"}, "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/a"],
	["aws_cloudtrail", {"name": "t"}, "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t"],
	["aws_s3_bucket", {"bucket_prefix": "logs-"}, "arn:aws:s3:::logs-gen"],
	["aws_cloudwatch_event_rule", {"name": "e"}, "arn:aws:events:eu-west-1:123456789012:rule/e"],
	["aws_lambda_function", {"function_name": "f"}, "arn:aws:lambda:eu-west-1:123456789012:function:f"],
	["aws_ecr_repository", {"name": "repo"}, "arn:aws:ecr:eu-west-1:123456789012:repository/repo"],
	["aws_ecs_cluster", {"name": "c"}, "arn:aws:ecs:eu-west-1:123456789012:cluster/c"],
	["aws_ecs_service", {"name": "svc", "cluster": "arn:aws:ecs:eu-west-1:1:cluster/main"}, "arn:aws:ecs:eu-west-1:123456789012:service/main/svc"],
	["aws_ecs_task_definition", {"family": "fam"}, "arn:aws:ecs:eu-west-1:123456789012:task-definition/fam:1"],
	["aws_lb", {"name": "lb"}, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/lb/gen-aws-lb-x"],
	["aws_lb_target_group", {"name": "tg"}, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/gen-aws-lb-target-group-x"],
	["aws_cloudwatch_metric_alarm", {"alarm_name": "a"}, "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a"],
	["aws_dlm_lifecycle_policy", {}, "arn:aws:dlm:eu-west-1:123456789012:policy/gen-aws-dlm-lifecycle-policy-x"],
	["aws_wafv2_web_acl", {"name": "w"}, "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/w/gen-aws-wafv2-web-acl-x"],
	["aws_instance", {}, "arn:aws:ec2:eu-west-1:123456789012:instance/gen-aws-instance-x"],
	["aws_sns_topic", {"name": "t", "arn": "arn:aws:sns:eu-west-1:9:t"}, "arn:aws:sns:eu-west-1:9:t"],
]

test_resolve_03_arn_model_per_type if {
	every c in arn_cases {
		effective.arn_of(sprintf("%s.x", [c[0]])) == c[2] with input as world(res(c[0], "x", c[1]), [])
	}
}

test_resolve_04_listener_rules_and_attributes if {
	r := union_all([
		res("aws_lb", "lb", {"name": "web"}),
		res("aws_lb_listener", "l", {"load_balancer_arn": "${aws_lb.lb.arn}"}),
		res("aws_lb_listener_rule", "rule", {"listener_arn": "${aws_lb_listener.l.arn}"}),
		res("aws_ecr_repository", "repo", {"name": "api"}),
		res("aws_ecs_cluster", "c", {"name": "main"}),
		res("aws_ecs_service", "s", {"name": "api", "cluster": "${aws_ecs_cluster.c.arn}"}),
		res("aws_kms_key", "k", {}),
	])
	effective.arn_of("aws_lb_listener_rule.rule") == "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/gen-aws-lb-lb/gen-aws-lb-listener-l/gen-aws-lb-listener-rule-rule" with input as world(r, [])
	effective.resolve("${aws_lb.lb.arn_suffix}") == "loadbalancer/app/web/gen-aws-lb-lb" with input as world(r, [])
	effective.resolve("${aws_ecr_repository.repo.repository_url}") == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api" with input as world(r, [])
	effective.resolve("${aws_ecs_service.s.id}") == "arn:aws:ecs:eu-west-1:123456789012:service/main/api" with input as world(r, [])
	effective.resolve("${aws_kms_key.k.key_id}|${aws_kms_key.k.id}") == "gen-aws-kms-key-k|gen-aws-kms-key-k" with input as world(r, [])
	effective.resolve("${aws_ecr_repository.repo.id}") == "api" with input as world(r, [])
}

# ---- decisions: a role with a boundary, a secret, a key ------------------------------------------------------------

secret_arn := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf"

estate(identity, boundary, key_policy) := estate_with_key(identity, boundary, {"policy": doc(key_policy), "tags_all": {"env": "prod"}})

estate_with_key(identity, boundary, key) := union_all([
	res("aws_iam_role", "app", {"name": "app", "permissions_boundary": "${aws_iam_policy.b.arn}", "tags_all": {"env": "prod"}, "assume_role_policy": doc([{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}])}),
	res("aws_iam_role_policy", "app", {"role": "${aws_iam_role.app.id}", "policy": "${data.aws_iam_policy_document.app.json}"}),
	data_res("aws_iam_policy_document", "app", {"statement": identity}),
	res("aws_iam_policy", "b", {"name": "b", "policy": doc(boundary)}),
	res("aws_secretsmanager_secret", "s", {"name": "app", "kms_key_id": "${aws_kms_key.k.arn}", "tags_all": {"env": "prod"}}),
	res("aws_kms_key", "k", key),
])

read_secret := {"actions": ["secretsmanager:GetSecretValue"], "resources": ["${aws_secretsmanager_secret.s.arn}"]}

boundary_env := [{"Effect": "Allow", "Action": ["secretsmanager:Get*", "kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/env": "$${aws:PrincipalTag/env}"}}}]

root_key_policy := [{"Effect": "Allow", "Principal": {"AWS": "arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.me.account_id}:root"}, "Action": "kms:*", "Resource": "*"}]

read_call := {"principal": {"role": "aws_iam_role.app"}, "action": "secretsmanager:GetSecretValue", "resource": {"address": "aws_secretsmanager_secret.s"}}

test_decide_01_identity_and_boundary_allow if {
	d := the_decision with input as one(estate([read_secret], boundary_env, root_key_policy), read_call)
	d.decision == "allowed"
	d.allowed
	d.boundary == "allows (boundary)"
	d.resource_policy == "no policy"
	d.resource == secret_arn
}

test_decide_02_no_identity_grant if {
	d := the_decision with input as one(estate([{"actions": ["secretsmanager:DescribeSecret"], "resources": ["*"]}], boundary_env, root_key_policy), read_call)
	d.decision == "implicitly denied"
	not d.allowed
}

test_decide_03_boundary_blocks if {
	boundary := [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/env": "staging"}}}]
	d := the_decision with input as one(estate([read_secret], boundary, root_key_policy), read_call)
	d.decision == "implicitly denied"
	d.boundary == "does not allow"
}

test_decide_04_explicit_deny_wins if {
	deny := {"effect": "Deny", "actions": ["secretsmanager:*"], "resources": ["*"], "sid": "NoSecrets"}
	d := the_decision with input as one(estate([read_secret, deny], boundary_env, root_key_policy), read_call)
	d.decision == "explicitly denied"
	d.denied_by == ["aws_iam_role_policy.app NoSecrets"]
}

test_decide_05_key_policy_names_the_account_then_identity_decides if {
	decrypt := {"principal": {"role": "aws_iam_role.app"}, "action": "kms:Decrypt", "resource": {"address": "aws_kms_key.k"}}
	yes := the_decision with input as one(estate([{"actions": ["kms:Decrypt"], "resources": ["${aws_kms_key.k.arn}"]}], boundary_env, root_key_policy), decrypt)
	yes.decision == "allowed"
	yes.resource_policy == "allows (account)"
	no := the_decision with input as one(estate([read_secret], boundary_env, root_key_policy), decrypt)
	no.decision == "implicitly denied"
}

test_decide_06_key_policy_naming_the_role_needs_no_identity_grant_but_the_boundary if {
	key_policy := [{"Effect": "Allow", "Principal": {"AWS": "${aws_iam_role.app.arn}"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}]
	call := {"principal": {"role": "aws_iam_role.app"}, "action": "kms:Decrypt", "resource": {"address": "aws_kms_key.k"}, "context": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}
	d1 := the_decision with input as one(estate([read_secret], boundary_env, key_policy), call)
	d1.decision == "allowed"
	untagged := estate_with_key([read_secret], boundary_env, {"policy": doc(key_policy)})
	d2 := the_decision with input as one(untagged, call)
	d2.boundary == "does not allow"
	elsewhere := object.union(call, {"context": {"kms:ViaService": "sqs.eu-west-1.amazonaws.com"}})
	d3 := the_decision with input as one(estate([read_secret], boundary_env, key_policy), elsewhere)
	d3.resource_policy == "does not allow"
}

test_decide_07_key_without_policy_gets_the_default if {
	r := estate_with_key([{"actions": ["kms:Encrypt"], "resources": ["*"]}], [{"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}], {})
	d := the_decision with input as one(r, {"principal": {"role": "aws_iam_role.app"}, "action": "kms:Encrypt", "resource": {"address": "aws_kms_key.k"}})
	d.decision == "allowed"
	d.resource_policy == "allows (account)"
}

test_decide_08_trust_policy_for_the_service if {
	d := the_decision with input as one(estate([], [], []), {"principal": {"service": "ecs-tasks.amazonaws.com"}, "action": "sts:AssumeRole", "resource": {"address": "aws_iam_role.app"}})
	d.decision == "allowed"
	d.identity == []
	other := the_decision with input as one(estate([], [], []), {"principal": {"service": "lambda.amazonaws.com"}, "action": "sts:AssumeRole", "resource": {"address": "aws_iam_role.app"}})
	other.decision == "implicitly denied"
}

topic_estate := union_all([
	res("aws_sns_topic", "t", {"name": "alarms"}),
	res("aws_sns_topic_policy", "t", {"arn": "${aws_sns_topic.t.arn}", "policy": doc([{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": "${aws_sns_topic.t.arn}", "Condition": {"ArnEquals": {"aws:SourceArn": "${aws_cloudwatch_event_rule.e.arn}"}}}])}),
	res("aws_cloudwatch_event_rule", "e", {"name": "reads"}),
	res("aws_lambda_function", "f", {"function_name": "rotate"}),
	res("aws_lambda_permission", "f", {"function_name": "${aws_lambda_function.f.function_name}", "action": "lambda:InvokeFunction", "principal": "secretsmanager.amazonaws.com", "source_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-*", "source_account": "123456789012"}),
])

test_decide_09_service_principal_through_the_resource_policy if {
	publish := {"principal": {"service": "events.amazonaws.com"}, "action": "sns:Publish", "resource": {"address": "aws_sns_topic.t"}, "context": {"aws:SourceArn": "${aws_cloudwatch_event_rule.e.arn}"}}
	d4 := the_decision with input as one(topic_estate, publish)
	d4.decision == "allowed"
	d5 := the_decision with input as one(topic_estate, object.union(publish, {"context": {"aws:SourceArn": "arn:aws:events:eu-west-1:9:rule/x"}}))
	d5.decision == "implicitly denied"
	invoke := {"principal": {"service": "secretsmanager.amazonaws.com"}, "action": "lambda:InvokeFunction", "resource": {"address": "aws_lambda_function.f"}, "context": {"aws:SourceArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", "aws:SourceAccount": "123456789012"}}
	d6 := the_decision with input as one(topic_estate, invoke)
	d6.decision == "allowed"
	d7 := the_decision with input as one(topic_estate, object.union(invoke, {"context": {"aws:SourceArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:y-AbCdEf"}}))
	d7.decision == "implicitly denied"
}

test_decide_10_unreadable_policies_are_undecidable if {
	r := object.union(estate([{"actions": ["secretsmanager:GetSecretValue"], "resources": ["${var.secret}"]}], boundary_env, root_key_policy), res("aws_iam_role_policy", "broken", {"role": "app", "policy": "${local.p}"}))
	d := the_decision with input as one(r, read_call)
	d.decision == "undecidable"
	"aws_iam_role_policy.app: cannot resolve ${var.secret}" in d.problems
	"identity policy aws_iam_role_policy.broken cannot be read" in d.problems
	missing := object.union(estate([read_secret], [], root_key_policy), res("aws_iam_role", "app", {"name": "app", "permissions_boundary": "arn:aws:iam::123456789012:policy/elsewhere"}))
	d8 := the_decision with input as one(missing, read_call)
	d8.problems == ["permissions boundary arn:aws:iam::123456789012:policy/elsewhere is not in the input"]
	d9 := the_decision with input as one(estate([], [], []), {"principal": {"role": "aws_iam_role.nobody"}, "action": "s3:GetObject", "resource": {"arn": "*"}})
	d9.decision == "undecidable"
}

test_decide_11_managed_policies_and_attachments if {
	r := union_all([
		res("aws_iam_role", "ops", {"name": "ops", "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnly"]}),
		res("aws_iam_role_policy_attachment", "a", {"role": "${aws_iam_role.ops.name}", "policy_arn": "${aws_iam_policy.custom.arn}"}),
		res("aws_iam_policy", "custom", {"name": "custom", "policy": doc([{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}])}),
		res("aws_iam_policy_attachment", "legacy", {"roles": ["ops"], "policy_arn": "arn:aws:iam::aws:policy/Unknown"}),
	])
	inp := object.union(
		world(r, [
			{"id": "read", "principal": {"role": "aws_iam_role.ops"}, "action": "s3:GetObject", "resource": {"arn": "arn:aws:s3:::b/k"}},
			{"id": "write", "principal": {"role": "aws_iam_role.ops"}, "action": "s3:PutObject", "resource": {"arn": "arn:aws:s3:::b/k"}},
		]),
		{"managed_policies": {"arn:aws:iam::aws:policy/ReadOnly": {"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}}},
	)
	ds := {d.id: d | some d in effective.decisions} with input as inp
	ds.read.problems == ["identity policy aws_iam_policy_attachment.legacy (arn:aws:iam::aws:policy/Unknown) cannot be read"]
	count(ds.read.identity) == 1
	count(ds.write.identity) == 1
}

# ---- conditions -------------------------------------------------------------------------------------------------

ctx := {"aws:tagkeys": ["project", "env"], "aws:sourcearn": ["arn:aws:events:eu-west-1:1:rule/r"], "aws:securetransport": ["true"], "aws:principaltag/env": ["prod"]}

holds(op, key, values) if effective.condition_holds({"op": op, "key": key, "values": values}, ctx)

test_conditions_01_operators if {
	holds("StringEquals", "aws:PrincipalTag/env", ["prod"])
	not holds("StringEquals", "aws:PrincipalTag/env", ["staging"])
	holds("StringLike", "aws:SourceArn", ["arn:aws:events:*:1:rule/*"])
	holds("StringEqualsIgnoreCase", "aws:PrincipalTag/env", ["PROD"])
	holds("StringNotEquals", "aws:PrincipalTag/env", ["staging"])
	holds("StringNotEquals", "aws:Missing", ["x"])
	not holds("StringEquals", "aws:Missing", ["x"])
	holds("StringEqualsIfExists", "aws:Missing", ["x"])
	holds("ArnLike", "aws:SourceArn", ["arn:aws:events:*:*:rule/r"])
	not holds("ArnLike", "aws:SourceArn", ["arn:aws:events:*:*:rule"])
	holds("ArnEquals", "aws:SourceArn", ["arn:aws:events:eu-west-1:1:rule/r"])
	holds("ArnNotLike", "aws:SourceArn", ["arn:aws:sns:*"])
	holds("Bool", "aws:SecureTransport", ["True"])
	holds("Null", "aws:Missing", ["true"])
	holds("Null", "aws:SourceArn", ["false"])
	not holds("Null", "aws:SourceArn", ["true"])
}

test_conditions_02_set_operators if {
	holds("ForAllValues:StringEquals", "aws:TagKeys", ["project", "env", "owner"])
	not holds("ForAllValues:StringEquals", "aws:TagKeys", ["project"])
	holds("ForAllValues:StringEquals", "aws:Missing", ["x"])
	holds("ForAllValues:StringNotEquals", "aws:TagKeys", ["owner"])
	not holds("ForAllValues:StringNotEquals", "aws:TagKeys", ["env"])
	holds("ForAnyValue:StringEquals", "aws:TagKeys", ["env"])
	not holds("ForAnyValue:StringEquals", "aws:Missing", ["env"])
	holds("ForAnyValue:StringNotEquals", "aws:TagKeys", ["env"])
	not effective.known_operator("NumericLessThan")
	not holds("NumericLessThan", "aws:TagKeys", ["1"])
}

test_conditions_03_unknown_operator_is_a_problem if {
	boundary := [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}]
	d := the_decision with input as one(estate([read_secret], boundary, root_key_policy), read_call)
	d.decision == "undecidable"
	d.problems == ["boundary: condition operator DateGreaterThan is not modelled"]
}

test_match_01_wildcards if {
	effective.wild_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y")
	effective.wild_match("a?c", "abc")
	not effective.wild_match("a?c", "abbc")
	effective.wild_match("x.*(y)", "x.zz(y)")
	not effective.wild_match("x.*", "xa")
	effective.wild_match("literal", "literal")
	not effective.wild_match("literal", "literally")
	effective.arn_match("*", "anything")
}

test_match_02_not_action_and_not_resource if {
	s := effective.indexed({"actions": null, "not_actions": ["iam:*"], "resources": null, "not_resources": ["arn:aws:s3:::secret/*"], "conditions": []})
	effective.statement_applies(s, "s3:GetObject", "arn:aws:s3:::public/x", {})
	not effective.statement_applies(s, "iam:PassRole", "arn:aws:s3:::public/x", {})
	not effective.statement_applies(s, "s3:GetObject", "arn:aws:s3:::secret/x", {})
}
