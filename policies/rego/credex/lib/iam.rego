# One view of IAM policy documents: every document attached to a resource (a JSON string, a JSON string
# with ${...} references inside, or a reference to a data.aws_iam_policy_document), and every policy-document
# data source no resource refers to, as {"address", "attribute", "kind", "via", "statements"} with statements
# normalised to {"effect", "actions", "not_actions", "resources", "not_resources", "principals",
# "has_condition", "condition_keys", "sid"}. Policies used as permissions boundaries are of kind "boundary".
package credex.lib

# Resource types and the attributes that hold a policy document, with the document's kind:
# permissions (identity policies), trust (who may assume a role) or resource (resource-based policies).
policy_attributes := {
	"aws_iam_policy": {"policy": "permissions"},
	"aws_iam_role_policy": {"policy": "permissions"},
	"aws_iam_user_policy": {"policy": "permissions"},
	"aws_iam_group_policy": {"policy": "permissions"},
	"aws_iam_role": {"assume_role_policy": "trust"},
	"aws_ecr_repository_policy": {"policy": "resource"},
	"aws_secretsmanager_secret_policy": {"policy": "resource"},
	"aws_sns_topic_policy": {"policy": "resource"},
	"aws_s3_bucket_policy": {"policy": "resource"},
	"aws_kms_key": {"policy": "resource"},
}

policy_document_type := "aws_iam_policy_document"

# The address of the policy-document data source a string refers to as a whole ("${data.aws_iam_policy_document.x.json}").
document_ref(s) := m[0][1] if {
	is_string(s)
	m := regex.find_all_string_submatch_n(`^\$\{((?:module\.[A-Za-z0-9_-]+\.)*data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(?:json|minified_json)\}$`, s, 1)
	count(m) == 1
}

# Policy strings on resources, including the inline_policy blocks of roles.
raw_policy_strings contains [addr, attribute, kind, value] if {
	some addr, r in input.resources
	r.mode != "data"
	some attribute, kind in object.get(policy_attributes, r.type, {})
	value := object.get(values(r), attribute, null)
	is_string(value)
	value != ""
}

raw_policy_strings contains [addr, sprintf("inline_policy[%d].policy", [i]), "permissions", value] if {
	some addr, r in resources("aws_iam_role")
	some i, b in blocks(values(r), "inline_policy")
	value := object.get(b, "policy", null)
	is_string(value)
	value != ""
}

# Each policy string parsed once per evaluation (functions are not cached, rules are).
policy_json[value] := doc if {
	some [_, _, _, value] in raw_policy_strings
	doc := json_value(value)
}

# The policy strings with their kind; a policy used as a permissions boundary is of kind "boundary".
policy_strings contains [addr, attribute, policy_kind(addr, input.resources[addr], kind), value] if {
	some [addr, attribute, kind, value] in raw_policy_strings
}

# Names of the policies used as permissions boundaries: named by a role's or user's permissions_boundary, or
# required by an iam:PermissionsBoundary condition in another policy (the deployers may only create roles
# with that boundary).
boundary_arns contains arn if {
	some r in input.resources
	r.type in {"aws_iam_role", "aws_iam_user"}
	some arn in attr_strings(values(r), "permissions_boundary")
}

boundary_arns contains arn if {
	some [_, _, _, value] in raw_policy_strings
	some s in as_list(object.get(policy_json[value], "Statement", []))
	some [k, arns] in json_conditions(object.get(s, "Condition", null))
	lower(k) == "iam:permissionsboundary"
	some arn in arns
}

# A permissions boundary caps what a principal may do and grants nothing, so the Allow rules do not judge it.
boundary_policy(_, r) if {
	r.type == "aws_iam_policy"
	name := object.get(values(r), "name", "")
	some arn in boundary_arns
	endswith(arn, sprintf(":policy/%s", [name]))
}

boundary_policy(addr, r) if {
	r.type == "aws_iam_policy"
	some arn in boundary_arns
	contains(arn, sprintf("${%s.", [addr]))
}

# Documents that could be judged.
documents contains doc if {
	some [addr, attribute, kind, value] in policy_strings
	ref := document_ref(value)
	data_doc := input.resources[ref]
	doc := {"address": addr, "attribute": attribute, "kind": kind, "via": ref, "statements": data_statements(values(data_doc))}
}

documents contains doc if {
	some [addr, attribute, kind, value] in policy_strings
	not document_ref(value)
	parsed := policy_json[value]
	doc := {"address": addr, "attribute": attribute, "kind": kind, "via": "", "statements": json_statements(parsed)}
}

# Data sources no resource refers to are judged where they are.
documents contains doc if {
	some addr, r in data_sources(policy_document_type)
	not referenced_document(addr)
	doc := {"address": addr, "attribute": "statement", "kind": "unknown", "via": "", "statements": data_statements(values(r))}
}

referenced_document(addr) if {
	some [_, _, _, value] in policy_strings
	document_ref(value) == addr
}

# Policy strings the rules cannot judge: an expression (e.g. jsonencode of references the normaliser could
# not read), invalid JSON, or a reference to a document that is not in the input.
undecidable_documents contains [addr, attribute, reason] if {
	some [addr, attribute, _, value] in policy_strings
	not document_ref(value)
	not policy_json[value]
	reason := undecidable_reason(value)
}

undecidable_documents contains [addr, attribute, sprintf("it refers to %s, which is not in the input", [ref])] if {
	some [addr, attribute, _, value] in policy_strings
	ref := document_ref(value)
	not input.resources[ref]
}

undecidable_reason(value) := "it is an unresolved expression" if is_ref(value)

undecidable_reason(value) := "it is not valid JSON" if not is_ref(value)

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

json_statements(doc) := [normal_json_statement(s) | some s in as_list(object.get(doc, "Statement", []))] if is_object(doc)

json_statements(doc) := [] if not is_object(doc)

normal_json_statement(s) := {
	"sid": object.get(s, "Sid", ""),
	"effect": object.get(s, "Effect", "Allow"),
	"actions": strings(object.get(s, "Action", null)),
	"not_actions": strings(object.get(s, "NotAction", null)),
	"resources": strings(object.get(s, "Resource", null)),
	"not_resources": strings(object.get(s, "NotResource", null)),
	"principals": json_principals(object.get(s, "Principal", null)),
	"has_condition": object.get(s, "Condition", null) != null,
	"condition_keys": [k | some [k, _] in json_conditions(object.get(s, "Condition", null))],
}

# [key, values] pairs of a JSON Condition block.
json_conditions(c) := [[k, strings(v)] | some ops in c; some k, v in ops] if is_object(c)

json_conditions(c) := [] if not is_object(c)

json_principals(p) := [{"type": "*", "identifiers": ["*"]}] if p == "*"

json_principals(p) := [{"type": type, "identifiers": strings(ids)} | some type, ids in p] if is_object(p)

json_principals(p) := [] if {
	p != "*"
	not is_object(p)
}

data_statements(v) := [normal_data_statement(s) | some s in blocks(v, "statement")]

normal_data_statement(s) := {
	"sid": object.get(s, "sid", ""),
	"effect": effect_or_allow(object.get(s, "effect", null)),
	"actions": attr_strings(s, "actions"),
	"not_actions": attr_strings(s, "not_actions"),
	"resources": attr_strings(s, "resources"),
	"not_resources": attr_strings(s, "not_resources"),
	"principals": [{"type": p.type, "identifiers": attr_strings(p, "identifiers")} | some p in blocks(s, "principals")],
	"has_condition": count(blocks(s, "condition")) > 0,
	"condition_keys": [k | some c in blocks(s, "condition"); k := object.get(c, "variable", "")],
}

effect_or_allow(e) := e if is_string(e)

effect_or_allow(e) := "Allow" if not is_string(e)

policy_kind(addr, r, _) := "boundary" if boundary_policy(addr, r)

policy_kind(addr, r, kind) := kind if not boundary_policy(addr, r)

# Allow statements of all documents except permissions boundaries, with their index, for the rules.
allow_statements contains [doc, i, s] if {
	some doc in documents
	doc.kind != "boundary"
	some i, s in doc.statements
	s.effect == "Allow"
}

# "aws_iam_policy.deploy (policy, statement 2)" or "... via data.aws_iam_policy_document.x".
describe_statement(doc, i, s) := sprintf("%s statement %s", [where(doc), statement_name(i, s)])

where(doc) := sprintf("%s (from %s)", [doc.attribute, doc.via]) if doc.via != ""

where(doc) := doc.attribute if doc.via == ""

statement_name(i, s) := sprintf("%d (%s)", [i, s.sid]) if s.sid != ""

statement_name(i, s) := sprintf("%d", [i]) if s.sid == ""

# A resource that stands for every resource of a service: "*", "arn:aws:s3:::*". A log-group ARN ending in
# ":*" ("...:log-group:/ecs/app:*") names that group's streams and is not a wildcard.
wildcard_resource(r) if r == "*"

wildcard_resource(r) if regex.match(`^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$`, r)

# Every resource of one type: "arn:aws:iam::1:role/*", "arn:aws:secretsmanager:r:1:secret:*". Creating a
# resource needs such an ARN, so this only matters for the sensitive actions below.
type_wildcard_resource(r) if regex.match(`^arn:[^:]*:[^:]*:[^:]*:[^:]*:[A-Za-z0-9-]+[/:]\*$`, r)

# Actions that hand out credentials or data: on every resource of their type they are as broad as "*".
sensitive_actions := {
	"iam:passrole",
	"sts:assumerole",
	"secretsmanager:getsecretvalue",
	"kms:decrypt",
	"ssm:getparameter",
	"ssm:getparameters",
	"ssm:getparametersbypath",
	"iam:createaccesskey",
}

wildcard_action(a) if a == "*"

wildcard_action(a) if endswith(a, ":*")

# Whether an action may be allowed on "*" (see unscopable_actions): a set lookup, then the few glob patterns.
unscopable(action) if lower(action) in unscopable_actions

unscopable(action) if {
	some pattern in unscopable_patterns
	glob.match(pattern, [":"], lower(action))
}

unscopable_patterns := {p | some p in unscopable_actions; contains(p, "*")}

all_resources(s) if {
	some r in s.resources
	wildcard_resource(r)
}

all_resources(s) if count(s.not_resources) > 0

star_reason(s) := "NotResource" if count(s.not_resources) > 0

star_reason(s) := concat(", ", [r | some r in s.resources; broad_resource(r)]) if count(s.not_resources) == 0

broad_resource(r) if wildcard_resource(r)

broad_resource(r) if type_wildcard_resource(r)

attachment_attributes := {
	"aws_iam_role_policy_attachment": ["policy_arn"],
	"aws_iam_user_policy_attachment": ["policy_arn"],
	"aws_iam_group_policy_attachment": ["policy_arn"],
	"aws_iam_policy_attachment": ["policy_arn"],
	"aws_iam_role": ["managed_policy_arns"],
	"aws_iam_role_policy_attachments_exclusive": ["policy_arns"],
	"aws_iam_user_policy_attachments_exclusive": ["policy_arns"],
	"aws_iam_group_policy_attachments_exclusive": ["policy_arns"],
}

admin_policy(arn) if regex.match(`^arn:aws[a-z-]*:iam::aws:policy/(AdministratorAccess|AdministratorAccess-Amplify|PowerUserAccess|IAMFullAccess|job-function/SystemAdministrator)$`, arn)

# A resource policy may name "*" when a condition narrows it (e.g. aws:SourceArn, aws:PrincipalOrgID).
tolerated(doc, s) if {
	doc.kind == "resource"
	s.has_condition
}

# A condition that narrows the statement to tagged resources (attribute-based access control), to resources
# created with given tags, or to images of an owner: a wildcard resource under it is scoped after all.
resource_scoping_condition(s) if {
	some k in s.condition_keys
	is_string(k)
	regex.match(`(?i)^([a-z0-9-]+:(ResourceTag|RequestTag)/.+|ec2:CreateAction|ec2:Owner)$`, k)
}

# Actions on "*" that AWS could scope, and sensitive actions on every resource of a type.
too_broad_actions(s) := [a | some a in s.actions; not wildcard_action(a); not unscopable(a)] if all_resources(s)

too_broad_actions(s) := [a | some a in s.actions; lower(a) in sensitive_actions] if {
	not all_resources(s)
	some r in s.resources
	type_wildcard_resource(r)
}
