# Whether one statement applies to a request: action, resource, principal (resource policies) and conditions, with
# IAM's wildcards (* and ?), policy variables filled in from the request context, and the condition operators the
# estate uses (String*, Arn*, Bool, Null, each with IfExists and the ForAllValues / ForAnyValue set operators).
#
# The request context is an object of lower-case condition keys to lists of strings.
package credex.effective

# IAM's wildcard match: * any run of characters, ? one character, everything else literal. Literal patterns and
# prefix patterns ("arn:aws:s3:::b/*") are compared as strings; only the others become regular expressions.
wild_match(pattern, _) if pattern == "*"

wild_match(pattern, value) if {
	not wildcard(pattern)
	pattern == value
}

wild_match(pattern, value) if {
	prefix_pattern(pattern)
	startswith(value, trim_suffix(pattern, "*"))
}

wild_match(pattern, value) if {
	wildcard(pattern)
	pattern != "*"
	not prefix_pattern(pattern)
	regex.match(wild_regex(pattern), value)
}

wildcard(p) if contains(p, "*")

wildcard(p) if contains(p, "?")

# One "*" at the end and no other wildcard.
prefix_pattern(p) if {
	endswith(p, "*")
	not wildcard(trim_suffix(p, "*"))
}

wild_regex(pattern) := concat("", ["^", concat("", [wild_char(c) | some c in split(pattern, "")]), "$"])

wild_char(c) := ".*" if c == "*"

wild_char(c) := "." if c == "?"

wild_char(c) := concat("", ["\\", c]) if c in regex_meta

wild_char(c) := c if {
	not c in {"*", "?"}
	not c in regex_meta
}

regex_meta := {".", "+", "(", ")", "[", "]", "{", "}", "^", "$", "|", "\\"}

# ArnLike / ArnEquals: each of the six colon-separated parts matched on its own (the last part keeps its colons).
arn_match(pattern, value) if {
	p := arn_parts(pattern)
	v := arn_parts(value)
	every i in numbers.range(0, 5) {
		wild_match(p[i], v[i])
	}
}

arn_match(pattern, _) if pattern == "*"

arn_parts(s) := array.concat(array.slice(parts, 0, 5), [concat(":", array.slice(parts, 5, count(parts)))]) if {
	parts := split(s, ":")
	count(parts) >= 6
}

# A pattern with its IAM policy variables replaced from the request context; undefined when one is missing there.
subst(p, _) := p if not contains(p, "${")

subst(p, ctx) := strings.replace_n(replacements, p) if {
	contains(p, "${")
	vars := {m[1] | some m in regex.find_all_string_submatch_n(`\$\{([^}]*)\}`, p, -1)}
	replacements := {sprintf("${%s}", [k]): v | some k in vars; v := variable_value(k, ctx)}
	count(replacements) == count(vars)
}

variable_value(k, ctx) := ctx[lower(k)][0] if count(ctx[lower(k)]) == 1

# ---- statements -------------------------------------------------------------------------------------------------

statement_applies(s, action, arn, ctx) if {
	action_matches(s, action)
	resource_matches(s, arn, ctx)
	conditions_hold(s, ctx)
}

action_matches(s, action) if lower(action) in s.action_set

action_matches(s, action) if {
	some p in s.action_patterns
	wild_match(p, lower(action))
}

action_matches(s, action) if {
	s.actions == null
	s.not_actions != null
	not any_action(s.not_actions, action)
}

any_action(patterns, action) if {
	some p in patterns
	wild_match(lower(p), lower(action))
}

# No Resource element (a resource policy's statements often have none): the resource the policy is attached to.
resource_matches(s, _, _) if {
	s.resources == null
	s.not_resources == null
}

resource_matches(s, arn, ctx) if {
	some p in s.resources
	wild_match(subst(p, ctx), arn)
}

resource_matches(s, arn, ctx) if {
	s.resources == null
	s.not_resources != null
	not any_resource(s.not_resources, arn, ctx)
}

any_resource(patterns, arn, ctx) if {
	some p in patterns
	wild_match(subst(p, ctx), arn)
}

conditions_hold(s, ctx) if {
	every c in s.conditions {
		condition_holds(c, ctx)
	}
}

# ---- principals (resource policies) ---------------------------------------------------------------------------

# How a resource-policy statement names the principal: "direct" (the role's ARN, the service, or everyone) or
# "account" (the account root or id: the account's IAM policies decide).
principal_grant(s, principal) := "direct" if {
	some [type, id] in s.principals
	names_directly(type, id, principal)
}

principal_grant(s, principal) := "account" if {
	not names_any_directly(s, principal)
	principal.kind == "role"
	some [type, id] in s.principals
	type == "AWS"
	id in {account, sprintf("arn:%s:iam::%s:root", [partition, account])}
}

names_any_directly(s, principal) if {
	some [type, id] in s.principals
	names_directly(type, id, principal)
}

names_directly("*", "*", _)

names_directly("AWS", "*", _)

names_directly("AWS", id, principal) if {
	principal.kind == "role"
	id == principal.arn
}

names_directly("Service", id, principal) if {
	principal.kind == "service"
	id == principal.service
}

# ---- conditions -----------------------------------------------------------------------------------------------

condition_operators := {
	"StringEquals": ["StringEquals", false],
	"StringNotEquals": ["StringEquals", true],
	"StringEqualsIgnoreCase": ["StringEqualsIgnoreCase", false],
	"StringNotEqualsIgnoreCase": ["StringEqualsIgnoreCase", true],
	"StringLike": ["StringLike", false],
	"StringNotLike": ["StringLike", true],
	"ArnEquals": ["ArnLike", false],
	"ArnLike": ["ArnLike", false],
	"ArnNotEquals": ["ArnLike", true],
	"ArnNotLike": ["ArnLike", true],
	"Bool": ["Bool", false],
}

# The parts of a condition operator: set operator, base test, negated, IfExists; undefined when unknown.
operator(op) := {"set": set, "test": spec[0], "negated": spec[1], "if_exists": if_exists} if {
	set := set_operator(op)
	rest := trim_prefix(op, sprintf("%s:", [set]))
	if_exists := endswith(rest, "IfExists")
	spec := condition_operators[trim_suffix(rest, "IfExists")]
}

set_operator(op) := set if {
	some set in {"ForAllValues", "ForAnyValue"}
	startswith(op, sprintf("%s:", [set]))
}

set_operator(op) := "" if {
	not startswith(op, "ForAllValues:")
	not startswith(op, "ForAnyValue:")
}

known_operator(op) if operator(op)

known_operator("Null")

condition_holds(c, ctx) if {
	c.op == "Null"
	present := count(object.get(ctx, lower(c.key), [])) > 0
	some want in c.values
	lower(want) == "true"
	not present
}

condition_holds(c, ctx) if {
	c.op == "Null"
	count(object.get(ctx, lower(c.key), [])) > 0
	some want in c.values
	lower(want) == "false"
}

condition_holds(c, ctx) if {
	o := operator(c.op)
	operator_holds(o, c.values, object.get(ctx, lower(c.key), []), ctx)
}

# Absent key: IfExists and negated operators hold, ForAllValues holds (vacuously), the rest fail.
operator_holds(o, _, values, _) if {
	count(values) == 0
	o.set == ""
	o.if_exists
}

operator_holds(o, _, values, _) if {
	count(values) == 0
	o.set == ""
	o.negated
}

operator_holds(o, _, values, _) if {
	count(values) == 0
	o.set == "ForAllValues"
}

# A single-valued key: any pattern matches any value (negated: none does).
operator_holds(o, patterns, values, ctx) if {
	count(values) > 0
	o.set != "ForAllValues"
	not o.negated
	some v in values
	value_matches(o.test, patterns, v, ctx)
}

operator_holds(o, patterns, values, ctx) if {
	count(values) > 0
	o.set == ""
	o.negated
	not any_value_matches(o.test, patterns, values, ctx)
}

operator_holds(o, patterns, values, ctx) if {
	count(values) > 0
	o.set == "ForAnyValue"
	o.negated
	some v in values
	not value_matches(o.test, patterns, v, ctx)
}

operator_holds(o, patterns, values, ctx) if {
	count(values) > 0
	o.set == "ForAllValues"
	not o.negated
	every v in values {
		value_matches(o.test, patterns, v, ctx)
	}
}

operator_holds(o, patterns, values, ctx) if {
	count(values) > 0
	o.set == "ForAllValues"
	o.negated
	every v in values {
		not value_matches(o.test, patterns, v, ctx)
	}
}

any_value_matches(test, patterns, values, ctx) if {
	some v in values
	value_matches(test, patterns, v, ctx)
}

value_matches(test, patterns, v, ctx) if {
	some p in patterns
	compares(test, subst(p, ctx), v)
}

compares("StringEquals", p, v) if p == v

compares("StringEqualsIgnoreCase", p, v) if lower(p) == lower(v)

compares("StringLike", p, v) if wild_match(p, v)

compares("ArnLike", p, v) if arn_match(p, v)

compares("Bool", p, v) if lower(p) == lower(v)
