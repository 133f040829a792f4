# The policies that decide a request, per principal and per resource, as statements whose strings are resolved
# (resolve.rego): identity policies of a role (inline, attached customer-managed, attached AWS-managed given in
# input.managed_policies), its permissions boundary, and the resource policy of the target (KMS key policy, secret
# policy, bucket policy, topic policy, Lambda permissions, a role's trust policy, a repository policy).
#
# A statement is {"sid", "effect", "actions", "not_actions", "resources", "not_resources", "principals" (pairs
# [type, id]), "not_principals", "conditions" ([{"op", "key", "values"}]), "has_resource"}; a missing Action list is
# null where a NotAction is given, and so on.
package credex.effective

import data.credex.lib

# The statements of a policy attribute: a JSON document, or a reference to a data.aws_iam_policy_document.
document_statements(v) := data_statements(lib.values(input.resources[addr])) if {
	addr := document_address(v)
}

document_statements(v) := json_statements(doc) if {
	not document_address(v)
	doc := lib.json_value(v)
	is_object(doc)
}

# A document already parsed (an AWS-managed policy given in input.managed_policies).
document_statements(v) := json_statements(v) if is_object(v)

document_address(v) := m[0][1] if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(?:json|minified_json)\}$`, v, 1)
	count(m) == 1
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

json_statements(doc) := [indexed(json_statement(s)) | some s in as_list(object.get(doc, "Statement", []))]

# A statement with its literal actions as a lower-case set and its wildcard actions apart, so that matching a
# request against a long Action list is one lookup.
indexed(s) := object.union(s, {
	"action_set": {lower(a) | some a in lib.string_list(s.actions); not wildcard(a)},
	"action_patterns": [lower(a) | some a in lib.string_list(s.actions); wildcard(a)],
})

json_statement(s) := {
	"sid": object.get(s, "Sid", ""),
	"effect": object.get(s, "Effect", "Allow"),
	"actions": optional_list(s, "Action"),
	"not_actions": optional_list(s, "NotAction"),
	"resources": optional_list(s, "Resource"),
	"raw_resources": lib.string_list(object.get(s, "Resource", null)),
	"not_resources": optional_list(s, "NotResource"),
	"principals": json_principals(object.get(s, "Principal", null)),
	"not_principals": json_principals(object.get(s, "NotPrincipal", null)),
	"conditions": [{"op": op, "key": key, "values": res_list(vals)} |
		some op, block in object.get(s, "Condition", {})
		some key, vals in block
	],
}

optional_list(s, key) := res_list(s[key]) if s[key] != null

optional_list(s, key) := null if object.get(s, key, null) == null

json_principals(p) := [["*", "*"]] if p == "*"

json_principals(p) := [[type, res(id)] | some type, ids in p; some id in lib.string_list(ids)] if is_object(p)

json_principals(p) := [] if {
	p != "*"
	not is_object(p)
}

data_statements(v) := [indexed(data_statement(s)) | some s in lib.blocks(v, "statement")]

data_statement(s) := {
	"sid": object.get(s, "sid", ""),
	"effect": object.get(s, "effect", "Allow"),
	"actions": data_list(s, "actions"),
	"not_actions": data_list(s, "not_actions"),
	"resources": data_list(s, "resources"),
	"raw_resources": lib.string_list(object.get(s, "resources", null)),
	"not_resources": data_list(s, "not_resources"),
	"principals": [[p.type, res(id)] | some p in lib.blocks(s, "principals"); some id in lib.string_list(p.identifiers)],
	"not_principals": [[p.type, res(id)] | some p in lib.blocks(s, "not_principals"); some id in lib.string_list(p.identifiers)],
	"conditions": [{"op": c.test, "key": c.variable, "values": res_list(c.values)} | some c in lib.blocks(s, "condition")],
}

data_list(s, key) := res_list(s[key]) if count(lib.string_list(object.get(s, key, null))) > 0

data_list(s, key) := null if count(lib.string_list(object.get(s, key, null))) == 0

# ---- identity policies of roles ------------------------------------------------------------------------------

# The role a value names: a reference to it (id, name or arn), or its literal name or ARN.
role_named(v) := addr if {
	addr := ref_address(v)
	type_of(addr) == "aws_iam_role"
}

role_named(v) := addr if {
	literal(v)
	some addr, _ in lib.resources("aws_iam_role")
	v in {name_of(addr), arn_of(addr)}
}

# [role, source, statements] for every identity policy attached to a role; statements is null when the policy
# cannot be read (the decision then says so).
role_policies contains [role, addr, document_statements_or_null(lib.values(r).policy)] if {
	some addr, r in lib.resources("aws_iam_role_policy")
	role := role_named(lib.values(r).role)
}

role_policies contains [role, sprintf("%s.inline_policy[%d]", [role, i]), document_statements_or_null(b.policy)] if {
	some role, r in lib.resources("aws_iam_role")
	some i, b in lib.blocks(lib.values(r), "inline_policy")
	object.get(b, "policy", "") != ""
}

role_policies contains [role, sprintf("%s (%s)", [addr, arn]), managed_statements(arn)] if {
	some addr, r in lib.resources("aws_iam_role_policy_attachment")
	role := role_named(lib.values(r).role)
	arn := res(lib.values(r).policy_arn)
}

role_policies contains [role, sprintf("%s.managed_policy_arns (%s)", [role, arn]), managed_statements(arn)] if {
	some role, r in lib.resources("aws_iam_role")
	some raw in lib.string_list(object.get(lib.values(r), "managed_policy_arns", null))
	arn := res(raw)
}

role_policies contains [role, sprintf("%s (%s)", [addr, arn]), managed_statements(arn)] if {
	some addr, r in lib.resources("aws_iam_policy_attachment")
	some name in lib.string_list(object.get(lib.values(r), "roles", null))
	role := role_named(name)
	arn := res(lib.values(r).policy_arn)
}

document_statements_or_null(v) := document_statements(v)

document_statements_or_null(v) := null if not document_statements(v)

# The statements of a managed policy by ARN: a customer-managed aws_iam_policy of the input, or an AWS-managed
# policy whose document the caller supplied (input.managed_policies); null when neither is known.
managed_statements(arn) := document_statements_or_null(lib.values(input.resources[addr]).policy) if {
	addr := policy_of(arn)
}

managed_statements(arn) := document_statements(input.managed_policies[arn]) if {
	not policy_of(arn)
	input.managed_policies[arn]
}

managed_statements(arn) := null if {
	not policy_of(arn)
	not input.managed_policies[arn]
}

# The customer-managed policy of the input an ARN names: by its modelled ARN, or by its path and name (a literal
# ARN with the real account id names a policy of the same document).
policy_of(arn) := policy_by_arn[arn]

policy_of(arn) := addr if {
	not policy_by_arn[arn]
	addr := policy_by_path[customer_policy_path(arn)]
}

policy_by_arn[arn] := addr if {
	some addr, _ in lib.resources("aws_iam_policy")
	arn := arn_of(addr)
}

policy_by_path[path] := addr if {
	some addr, _ in lib.resources("aws_iam_policy")
	path := sprintf("%s%s", [iam_path(addr), name_of(addr)])
}

customer_policy_path(arn) := m[0][1] if {
	m := regex.find_all_string_submatch_n(`^arn:[^:]+:iam::[0-9]{12}:policy(/.*)$`, arn, 1)
	count(m) == 1
}

identity_sources(role) := [[source, sts] | some [r, source, sts] in role_policies; r == role]

# ---- permissions boundaries ------------------------------------------------------------------------------------

# The boundary ARN of a role (resolved), or undefined when it has none.
boundary_arn(role) := res(pb) if {
	pb := object.get(values_of(role), "permissions_boundary", "")
	pb != ""
	pb != null
}

boundary_statements(role) := role_boundaries[role]

# Each role's boundary statements, read once per evaluation (functions are not cached, rules are).
role_boundaries[role] := managed_statements(boundary_arn(role)) if some role, _ in lib.resources("aws_iam_role")

# ---- resource policies -------------------------------------------------------------------------------------------

# Types whose resource policy takes part in every decision on them (KMS keys always have one).
resource_policy_types := {"aws_kms_key", "aws_secretsmanager_secret", "aws_s3_bucket", "aws_sns_topic", "aws_lambda_function", "aws_iam_role", "aws_ecr_repository"}

# The attribute of the resource itself that holds its policy, and the separate resources that attach one.
own_policy_attribute := {"aws_kms_key": "policy", "aws_secretsmanager_secret": "policy", "aws_s3_bucket": "policy", "aws_sns_topic": "policy", "aws_iam_role": "assume_role_policy"}

policy_resources := {
	"aws_kms_key_policy": ["key_id", "policy"],
	"aws_secretsmanager_secret_policy": ["secret_arn", "policy"],
	"aws_s3_bucket_policy": ["bucket", "policy"],
	"aws_sns_topic_policy": ["arn", "policy"],
	"aws_ecr_repository_policy": ["repository", "policy"],
}

# [target, source, statements] of every resource policy in the input.
resource_policies contains [target, sprintf("%s.%s", [target, attribute]), document_statements_or_null(v)] if {
	some target, r in input.resources
	attribute := own_policy_attribute[r.type]
	v := object.get(lib.values(r), attribute, "")
	v != ""
	v != null
}

resource_policies contains [target, addr, document_statements_or_null(lib.values(r)[fields[1]])] if {
	some addr, r in input.resources
	fields := policy_resources[r.type]
	target := attached_to(lib.values(r)[fields[0]])
}

# A Lambda permission is one statement of the function's resource policy.
resource_policies contains [target, addr, [indexed(lambda_permission_statement(target, lib.values(r)))]] if {
	some addr, r in lib.resources("aws_lambda_permission")
	target := attached_to(lib.values(r).function_name)
}

# The resource a policy resource attaches to: a reference, or a literal name, id or ARN of a resource of the input.
attached_to(v) := ref_address(v)

attached_to(v) := addr if {
	literal(v)
	some addr, r in input.resources
	r.type in resource_policy_types
	v in {arn_of(addr), id_of(addr), name_of(addr)}
}

lambda_permission_statement(target, v) := {
	"sid": object.get(v, "statement_id", ""),
	"effect": "Allow",
	"actions": [res(v.action)],
	"not_actions": null,
	"resources": [arn_of(target)],
	"not_resources": null,
	"principals": [[principal_type(v.principal), res(v.principal)]],
	"not_principals": [],
	"conditions": array.concat(
		[{"op": "ArnLike", "key": "aws:SourceArn", "values": [res(a)]} | a := object.get(v, "source_arn", ""); a != ""],
		[{"op": "StringEquals", "key": "aws:SourceAccount", "values": [res(a)]} | a := object.get(v, "source_account", ""); a != ""],
	),
}

principal_type(p) := "Service" if endswith(p, ".amazonaws.com")

principal_type(p) := "AWS" if not endswith(p, ".amazonaws.com")

# The default key policy of a key created without one: the account (IAM policies decide).
default_key_policy := [indexed({
	"sid": "default",
	"effect": "Allow",
	"actions": ["kms:*"],
	"not_actions": null,
	"resources": ["*"],
	"not_resources": null,
	"principals": [["AWS", sprintf("arn:%s:iam::%s:root", [partition, account])]],
	"not_principals": [],
	"conditions": [],
})]

# The resource-policy sources of a target: [[source, statements]], the default key policy for a key without one.
resource_sources(target) := [[source, sts] | some [t, source, sts] in resource_policies; t == target] if {
	count([1 | some [t, _, _] in resource_policies; t == target]) > 0
}

resource_sources(target) := [["default key policy", default_key_policy]] if {
	type_of(target) == "aws_kms_key"
	count([1 | some [t, _, _] in resource_policies; t == target]) == 0
}

resource_sources(target) := [] if {
	type_of(target) != "aws_kms_key"
	count([1 | some [t, _, _] in resource_policies; t == target]) == 0
}
