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
policy_strings contains [addr, attribute, policy_kind(addr, kind), value] if {
	some [addr, attribute, kind, value] in raw_policy_strings
}

# The aws_iam_policy resources used as permissions boundaries, decided once (not once per policy string).
boundary_policies contains addr if {
	count(boundary_arns) > 0
	some addr, r in resources("aws_iam_policy")
	boundary_policy(addr, r)
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

referenced_document(addr) if addr in referenced_documents

referenced_documents contains ref if {
	some [_, _, _, value] in raw_policy_strings
	ref := document_ref(value)
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

# A document that parsed but is not a policy the rules can read: an expression standing for the whole document
# (jsonencode(local.policy)), a Statement that is an expression, a variable or a for expression, a statement that
# is not an object.
undecidable_documents contains [addr, attribute, reason] if {
	some [addr, attribute, _, value] in policy_strings
	not document_ref(value)
	reason := unreadable_document(policy_json[value])
}

# A statement whose effect, actions or principals are expressions: the rules would judge it as something it may
# not be (an action list "${var.actions}" could hold "*").
undecidable_documents contains [doc.address, doc.attribute, reason] if {
	some doc in documents
	some i, s in doc.statements
	some why in opaque_statement(s)
	reason := sprintf("statement %s %s", [statement_name(i, s), why])
}

# An aws_iam_policy_document whose statements come from elsewhere: dynamic blocks, source or override documents.
undecidable_documents contains [addr, "statement", reason] if {
	some addr, r in data_sources(policy_document_type)
	some key in ["dynamic", "source_policy_documents", "override_policy_documents", "source_json", "override_json"]
	object.get(values(r), key, null) != null
	object.get(values(r), key, null) != []
	reason := sprintf("it takes statements from %s, which the gate does not evaluate", [key])
}

undecidable_reason(value) := "it is an unresolved expression" if is_ref(value)

undecidable_reason(value) := "it is not valid JSON" if not is_ref(value)

unreadable_document(doc) := sprintf("it is the unresolved expression %s", [doc]) if is_string(doc)

unreadable_document(doc) := sprintf("it is a JSON %s, not a policy object", [type_name(doc)]) if {
	not is_string(doc)
	not is_object(doc)
}

unreadable_document(doc) := "it has no Statement" if {
	is_object(doc)
	object.get(doc, "Statement", null) == null
}

unreadable_document(doc) := sprintf("its Statement is the unresolved expression %s", [doc.Statement]) if {
	is_object(doc)
	is_string(doc.Statement)
}

unreadable_document(doc) := sprintf("its Statement is a JSON %s", [type_name(doc.Statement)]) if {
	is_object(doc)
	doc.Statement != null
	not is_string(doc.Statement)
	not is_object(doc.Statement)
	not is_array(doc.Statement)
}

unreadable_document(doc) := sprintf("statement %d is %s, not an object", [i, describe_value(s)]) if {
	is_object(doc)
	is_array(doc.Statement)
	some i, s in doc.Statement
	not is_object(s)
}

describe_value(v) := sprintf("the unresolved expression %s", [v]) if is_string(v)

describe_value(v) := sprintf("a JSON %s", [type_name(v)]) if not is_string(v)

# Why a statement cannot be judged (each reason on its own: an array of calls would be undefined as a whole
# when one of them is).
opaque_statement(s) := ((({w | w := effect_unreadable(s)} | {w | w := unreadable_list(s, "actions", "Action")}) | {w | w := unreadable_list(s, "not_actions", "NotAction")}) | {w | w := principal_unreadable(s)}) | {w | w := resource_unreadable(s)}

effect_unreadable(s) := sprintf("has the Effect %s", [s.effect]) if not s.effect in {"Allow", "Deny"}

unreadable_list(s, key, name) := sprintf("has an %s that is an expression (%s)", [name, concat(", ", refs)]) if {
	refs := [a | some a in s[key]; is_ref(a)]
	count(refs) > 0
}

principal_unreadable(s) := sprintf("has a Principal that is an expression (%s)", [concat(", ", ids)]) if {
	ids := [id | some p in s.principals; some id in p.identifiers; opaque_ref(id)]
	count(ids) > 0
}

# A Resource list that is one expression standing for the whole list ("${var.resources}", "${local.arns}"); a
# reference to a resource's attribute (an ARN the construct owns) is fine.
resource_unreadable(s) := sprintf("has a Resource that is an expression (%s)", [concat(", ", refs)]) if {
	refs := [r | some r in array.concat(s.resources, s.not_resources); opaque_ref(r)]
	count(refs) > 0
}

# A whole "${...}" expression that is not one resource attribute: a variable, a local, a module output, a function
# call, a for expression. Such a value may stand for anything, including "*". A resource attribute may sit in a module
# (module.a[0].module.b.aws_s3_bucket.x.arn); a resource type always has its provider's prefix ("aws_"), which
# var.x.y, local.x.y and module.x.y do not.
opaque_ref(v) if {
	is_string(v)
	startswith(v, "${")
	not regex.match(`^\$\{(module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.)*(data\.)?[a-z0-9]+_[a-z0-9_]+\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.[a-z_]+\}(/.*|:.*)?$`, v)
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

json_statements(doc) := [normal_json_statement(s) | some s in as_list(object.get(doc, "Statement", []))] if is_object(doc)

json_statements(doc) := [] if not is_object(doc)

normal_json_statement(s) := {
	"sid": object.get(s, "Sid", ""),
	"effect": object.get(s, "Effect", "Allow"),
	"actions": string_list(object.get(s, "Action", null)),
	"not_actions": string_list(object.get(s, "NotAction", null)),
	"resources": string_list(object.get(s, "Resource", null)),
	"not_resources": string_list(object.get(s, "NotResource", null)),
	"principals": json_principals(object.get(s, "Principal", null)),
	"has_condition": object.get(s, "Condition", null) != null,
	"condition_keys": [k | some [k, _] in json_conditions(object.get(s, "Condition", null))],
}

# [key, values] pairs of a JSON Condition block.
json_conditions(c) := [[k, string_list(v)] | some ops in c; some k, v in ops] if is_object(c)

json_conditions(c) := [] if not is_object(c)

json_principals(p) := [{"type": "*", "identifiers": ["*"]}] if p == "*"

json_principals(p) := [{"type": "*", "identifiers": [p]}] if {
	is_string(p)
	p != "*"
}

json_principals(p) := [{"type": type, "identifiers": string_list(ids)} | some type, ids in p] if is_object(p)

json_principals(p) := [] if {
	not is_string(p)
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

policy_kind(addr, _) := "boundary" if addr in boundary_policies

policy_kind(addr, kind) := kind if not addr in boundary_policies

# Allow statements of all documents except permissions boundaries, with their index, for the rules. The doc in
# each entry is the document's header ({"address", "attribute", "kind", "via"}) without its statements, so that a
# document of n statements costs n, not n squared (each entry of a set is hashed whole).
allow_statements contains [header, i, s] if {
	some doc in documents
	doc.kind != "boundary"
	header := object.remove(doc, ["statements"])
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

# An AWS-managed admin policy, whatever the spelling of the partition ("arn:aws:", "arn:aws-cn:",
# "arn:${data.aws_partition.current.partition}:") or a reference to a data.aws_iam_policy that looks it up.
admin_policy_arn(arn) if regex.match(`^arn:(aws[a-z-]*|\$\{[^}]*\}):iam::aws:policy/(AdministratorAccess|AdministratorAccess-Amplify|PowerUserAccess|IAMFullAccess|job-function/SystemAdministrator)$`, arn)

admin_policy(arn) if admin_policy_arn(arn)

admin_policy(arn) if {
	some key in ref_keys(arn)
	looked_up := data_sources("aws_iam_policy")[key]
	admin_policy_lookup(values(looked_up))
}

admin_policy_lookup(v) if admin_policy_arn(object.get(v, "arn", ""))

admin_policy_lookup(v) if object.get(v, "name", "") in admin_policy_names

admin_policy_names := {"AdministratorAccess", "AdministratorAccess-Amplify", "PowerUserAccess", "IAMFullAccess", "SystemAdministrator"}

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
