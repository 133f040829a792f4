# The decision AWS makes on each call of input.calls, from every policy that applies to it (the query entrypoint
# credex/effective/decisions, compiled into the bundle):
#
#   explicit Deny anywhere (identity, boundary, resource policy)                -> denied
#   a role:    boundary allows (or no boundary) AND
#              KMS key:   key policy names the role (or everyone), or names the account AND an identity policy allows
#              otherwise: an identity policy allows, or the resource policy names the role (or everyone)
#   a service: the resource policy names the service (or everyone)
#
# A call is {"id", "principal": {"role": <address>} | {"service": "x.amazonaws.com"}, "action",
# "resource": {"address", "suffix"} | {"arn"}, "context": {<condition key>: value or list}}. Context values may hold
# Terraform references; the evaluator adds what AWS adds itself (the principal's ARN, account and tags, the
# resource's tags, aws:SecureTransport). Policies whose strings cannot be resolved are reported, not guessed.
package credex.effective

import data.credex.lib

decisions contains decide(call) if some call in input.calls

decide(call) := object.union(verdict(call, request(call)), {"id": call.id}) if request(call)

decide(call) := {"id": call.id, "allowed": false, "decision": "undecidable", "problems": [why]} if {
	not request(call)
	why := request_problem(call)
}

# The request: principal, action, resource ARN, the target's address (or "") and the context.
request(call) := {"principal": p, "action": call.action, "arn": arn, "target": target, "context": context(call, p, target)} if {
	p := principal(call.principal)
	[arn, target] := call_resource(call.resource)
}

principal(p) := {"kind": "role", "address": p.role, "arn": arn_of(p.role)} if input.resources[p.role].type == "aws_iam_role"

principal(p) := {"kind": "service", "service": p.service} if is_string(p.service)

call_resource(r) := [concat("", [arn_of(r.address), object.get(r, "suffix", "")]), r.address] if r.address

call_resource(r) := [a, ""] if {
	not r.address
	a := resolve(r.arn)
}

request_problem(call) := sprintf("principal %s is not a role of the input or a service", [json.marshal(call.principal)]) if not principal(call.principal)

request_problem(call) := sprintf("resource %s cannot be resolved", [json.marshal(call.resource)]) if {
	principal(call.principal)
	not call_resource(call.resource)
}

# ---- request context ------------------------------------------------------------------------------------------

context(call, p, target) := object.union(
	object.union({"aws:securetransport": ["true"], "aws:requestedregion": [region]}, principal_context(p)),
	object.union(resource_context(target), {lower(k): context_values(v) | some k, v in object.get(call, "context", {})}),
)

principal_context(p) := object.union(
	{
		"aws:principalarn": [p.arn],
		"aws:principalaccount": [account],
		"aws:principaltype": ["AssumedRole"],
		"kms:calleraccount": [account],
	},
	{lower(sprintf("aws:PrincipalTag/%s", [k])): [v] | some k, v in tags_of(p.address)},
) if p.kind == "role"

principal_context(p) := {"aws:principalservicename": [p.service]} if p.kind == "service"

resource_context("") := {}

resource_context(target) := {lower(sprintf("aws:ResourceTag/%s", [k])): [v] | some k, v in tags_of(target)} if target != ""

# The tags a resource carries: tags_all (a plan, or the caller's merge of the provider's default_tags), else tags.
tags_of(addr) := t if {
	t := object.get(values_of(addr), "tags_all", null)
	is_object(t)
} else := t if {
	t := object.get(values_of(addr), "tags", null)
	is_object(t)
} else := {}

context_values(v) := [res(x) | some x in v] if is_array(v)

context_values(v) := [res(v)] if is_string(v)

context_values(v) := [sprintf("%s", [json.marshal(v)])] if {
	not is_array(v)
	not is_string(v)
}

# ---- the decision -----------------------------------------------------------------------------------------------

verdict(call, req) := result if {
	identity := identity_view(req)
	boundary := boundary_view(req)
	resource := resource_view(req)
	problems := array.concat(array.concat(identity.problems, boundary.problems), resource.problems)
	denied_by := array.concat(array.concat(identity.denied_by, boundary.denied_by), resource.denied_by)
	allowed := allow_verdict(req, identity, boundary, resource)
	result := {
		"action": call.action,
		"resource": req.arn,
		"allowed": final_verdict(allowed, denied_by, problems),
		"decision": decision_word(allowed, denied_by, problems),
		"identity": identity.allowed_by,
		"boundary": boundary.state,
		"resource_policy": resource.state,
		"denied_by": denied_by,
		"problems": problems,
	}
}

# true or false, never undefined (a rule that does not hold is undefined in Rego).
allow_verdict(req, identity, boundary, resource) if allow_decision(req, identity, boundary, resource)

allow_verdict(req, identity, boundary, resource) := false if not allow_decision(req, identity, boundary, resource)

final_verdict(allowed, denied_by, problems) if allowed_and_decided(allowed, denied_by, problems)

final_verdict(allowed, denied_by, problems) := false if not allowed_and_decided(allowed, denied_by, problems)

allowed_and_decided(allowed, denied_by, problems) if {
	allowed
	count(denied_by) == 0
	count(problems) == 0
}

decision_word(_, denied_by, _) := "explicitly denied" if count(denied_by) > 0

decision_word(_, denied_by, problems) := "undecidable" if {
	count(denied_by) == 0
	count(problems) > 0
}

decision_word(allowed, denied_by, problems) := "allowed" if {
	count(denied_by) == 0
	count(problems) == 0
	allowed
}

decision_word(allowed, denied_by, problems) := "implicitly denied" if {
	count(denied_by) == 0
	count(problems) == 0
	not allowed
}

allow_decision(req, _, _, resource) if {
	req.principal.kind == "service"
	resource.grant == "direct"
}

allow_decision(req, identity, boundary, resource) if {
	req.principal.kind == "role"
	boundary.allows
	role_granted(req, identity, resource)
}

role_granted(req, _, resource) if {
	type_of(req.target) == "aws_kms_key"
	resource.grant == "direct"
}

role_granted(req, identity, resource) if {
	type_of(req.target) == "aws_kms_key"
	resource.grant == "account"
	count(identity.allowed_by) > 0
}

role_granted(req, identity, _) if {
	not kms_target(req)
	count(identity.allowed_by) > 0
}

role_granted(req, _, resource) if {
	not kms_target(req)
	resource.grant == "direct"
}

kms_target(req) if type_of(req.target) == "aws_kms_key"

# Identity policies: who allows (source and sid), who denies, what could not be read.
identity_view(req) := {"allowed_by": [], "denied_by": [], "problems": []} if req.principal.kind == "service"

identity_view(req) := {
	"allowed_by": [label(source, s) | some [source, sts] in sources; sts != null; some s in sts; s.effect == "Allow"; statement_applies(s, req.action, req.arn, req.context)],
	"denied_by": [label(source, s) | some [source, sts] in sources; sts != null; some s in sts; s.effect == "Deny"; statement_applies(s, req.action, req.arn, req.context)],
	"problems": array.concat(
		[sprintf("identity policy %s cannot be read", [source]) | some [source, sts] in sources; sts == null],
		statement_problems(sources),
	),
} if {
	req.principal.kind == "role"
	sources := identity_sources(req.principal.address)
}

# The permissions boundary: "none", "allows" (sid) or "does not allow".
boundary_view(req) := {"allows": true, "state": "none", "denied_by": [], "problems": []} if {
	req.principal.kind == "role"
	not boundary_arn(req.principal.address)
}

boundary_view(req) := {"allows": true, "state": "none", "denied_by": [], "problems": []} if req.principal.kind == "service"

boundary_view(req) := {"allows": false, "state": "unknown", "denied_by": [], "problems": [sprintf("permissions boundary %s is not in the input", [unresolved_or(arn)])]} if {
	req.principal.kind == "role"
	arn := boundary_arn(req.principal.address)
	boundary_statements(req.principal.address) == null
}

boundary_view(req) := {"allows": count(allows) > 0, "state": boundary_state(allows), "denied_by": denies, "problems": statement_problems([["boundary", sts]])} if {
	req.principal.kind == "role"
	sts := boundary_statements(req.principal.address)
	sts != null
	allows := [label("boundary", s) | some s in sts; s.effect == "Allow"; statement_applies(s, req.action, req.arn, req.context)]
	denies := [label("boundary", s) | some s in sts; s.effect == "Deny"; statement_applies(s, req.action, req.arn, req.context)]
}

boundary_state(allows) := sprintf("allows (%s)", [concat(", ", allows)]) if count(allows) > 0

boundary_state(allows) := "does not allow" if count(allows) == 0

# The resource policy: the strongest grant it gives the principal ("direct", "account" or "none"), and its denies.
resource_view(req) := {"grant": "none", "state": "none", "denied_by": [], "problems": []} if not resource_policy_applies(req)

resource_view(req) := {
	"grant": grant,
	"state": resource_state(grant, sources),
	"denied_by": [label(source, s) | some [source, sts] in sources; sts != null; some s in sts; s.effect == "Deny"; statement_applies(s, req.action, req.arn, req.context); principal_grant(s, req.principal)],
	"problems": array.concat(
		[sprintf("resource policy %s cannot be read", [source]) | some [source, sts] in sources; sts == null],
		statement_problems(sources),
	),
} if {
	resource_policy_applies(req)
	sources := resource_sources(req.target)
	grants := {principal_grant(s, req.principal) | some [_, sts] in sources; sts != null; some s in sts; s.effect == "Allow"; statement_applies(s, req.action, req.arn, req.context)}
	grant := strongest(grants)
}

resource_policy_targets := {addr | some addr, r in input.resources; r.type in resource_policy_types}

# A role's trust policy decides who may assume it (sts:*), nothing else done to the role (iam:PassRole).
resource_policy_applies(req) if {
	req.target in resource_policy_targets
	type_of(req.target) != "aws_iam_role"
}

resource_policy_applies(req) if {
	type_of(req.target) == "aws_iam_role"
	startswith(lower(req.action), "sts:")
}

strongest(grants) := "direct" if "direct" in grants

strongest(grants) := "account" if {
	not "direct" in grants
	"account" in grants
}

strongest(grants) := "none" if {
	not "direct" in grants
	not "account" in grants
}

resource_state("none", sources) := "no policy" if count(sources) == 0

resource_state("none", sources) := "does not allow" if count(sources) > 0

resource_state(grant, _) := sprintf("allows (%s)", [grant]) if grant != "none"

label(source, s) := sprintf("%s %s", [source, s.sid]) if s.sid != ""

label(source, s) := source if s.sid == ""

unresolved_or(s) := unresolved_text(s) if is_unresolved(s)

unresolved_or(s) := s if not is_unresolved(s)

# Strings of the sources' statements the model could not resolve, and condition operators it does not know.
statement_problems(sources) := array.concat(
	[sprintf("%s: cannot resolve %s", [source, unresolved_text(x)]) | some [source, sts] in sources; sts != null; some s in sts; some x in statement_strings(s); is_unresolved(x)],
	[sprintf("%s: condition operator %s is not modelled", [source, c.op]) | some [source, sts] in sources; sts != null; some s in sts; some c in s.conditions; not known_operator(c.op)],
)

statement_strings(s) := array.concat(
	array.concat(
		array.concat(lib.string_list(s.actions), lib.string_list(s.not_actions)),
		array.concat(lib.string_list(s.resources), lib.string_list(s.not_resources)),
	),
	array.concat(
		[id | some [_, id] in array.concat(s.principals, s.not_principals)],
		[v | some c in s.conditions; some v in c.values],
	),
)
