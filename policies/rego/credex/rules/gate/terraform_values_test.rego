package credex.rules.gate_test

import data.credex.rules.gate

res(addr, values) := {addr: {"type": split(addr, ".")[0], "name": split(addr, ".")[1], "mode": "managed", "values": values}}

# cdktf shape: the gate decoded jsonencode, the bare word became "${undefined}".
test_undefined_01_decoded_jsonencode_denied if {
	inp := {"resources": res("aws_lambda_function.f", {"environment": {"variables": {"SPACES": "{\"aws_secretsmanager_secret.s.arn\":\"${undefined}\"}"}}})}
	found := gate.undefined_expression with input as inp
	[f.message | some f in found] == ["environment.variables.SPACES holds an expression with a JavaScript undefined in it: Terraform rejects it (Invalid reference)"]
}

# Plan shape (values as written): a whole-string expression and an interpolation naming undefined.
test_undefined_02_raw_expressions_denied if {
	inp := {"resources": object.union(
		res("aws_ssm_parameter.p", {"value": "${jsonencode({\"x\" = undefined})}"}),
		res("aws_instance.i", {"user_data": "echo ${lookup(var.m, undefined)}", "tags": ["${undefined}"]}),
	)}
	count(gate.undefined_expression) == 3 with input as inp
}

# The word in a string literal, in a shell variable escaped from Terraform ($${...}) or in plain text is fine.
test_undefined_03_text_ok if {
	inp := {"resources": object.union(
		res("aws_ssm_parameter.p", {"value": "${jsonencode({\"note\" = \"undefined behaviour\"})}", "description": "undefined"}),
		res("aws_instance.i", {"user_data": "echo $${VALUE:-undefined}; x=${var.undefined_thing}"}),
	)}
	count(gate.undefined_expression) == 0 with input as inp
}

test_constraints_01_dlm_description_denied if {
	inp := {"resources": res("aws_dlm_lifecycle_policy.p", {"description": "credex staging Neo4j data volumes, daily"})}
	[f.message | some f in gate.aws_constraint] == ["description \"credex staging Neo4j data volumes, daily\" is not what the AWS provider accepts (letters, digits, spaces, _ and -, at most 500)"] with input as inp
}

test_constraints_02_names_denied if {
	inp := {"resources": union_all([
		res("aws_lb.a", {"name": "-starts-with-a-hyphen"}),
		res("aws_alb_target_group.t", {"name": "credex-production-api-alternate-tg"}),
		res("aws_cloudwatch_log_group.g", {"name": "/ecs/app name"}),
		res("aws_cloudwatch_event_rule.r", {"name": "reads:secrets"}),
	])}
	count(gate.aws_constraint) == 4 with input as inp
}

test_constraints_03_fitting_and_references_ok if {
	inp := {"resources": union_all([
		res("aws_dlm_lifecycle_policy.p", {"description": "credex staging Neo4j data volumes daily"}),
		res("aws_lb.a", {"name": "credex-staging-alb"}),
		res("aws_lb_target_group.t", {"name": "${local.name}"}),
		res("aws_cloudwatch_log_group.g", {"name": "/aws/lambda/credex-staging-neo4j-rotation"}),
		res("aws_cloudwatch_event_rule.r", {"name": "credex-staging-secret-reads"}),
	])}
	count(gate.aws_constraint) == 0 with input as inp
}

union_all(objects) := {k: v | some o in objects; some k, v in o}
