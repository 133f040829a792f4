# What Terraform itself refuses before AWS is called, found in the synthesized JSON: expressions that hold a
# JavaScript `undefined` (a TypeScript value missing when cdktf rendered the expression), and attribute values the AWS
# provider validates at plan time by pattern or length (CDX-GATE-010, CDX-GATE-011).
package credex.terraform

import data.credex.lib

# [address, attribute path, value] of every string of a resource that renders `undefined` into an expression.
undefined_values contains [addr, path_text(path), v] if {
	some addr, r in input.resources
	[path, v] := walk(lib.values(r))
	is_string(v)
	contains(v, "undefined")
	holds_undefined(v)
}

path_text(path) := concat(".", [part(p) | some p in path])

part(p) := p if is_string(p)

part(p) := format_int(p, 10) if is_number(p)

# cdktf's jsonencode decoded by the gate: a bare `undefined` became the reference "${undefined}".
holds_undefined(v) if contains(v, "${undefined}")

# An expression (the whole string, or an interpolation in it) naming `undefined` outside its string literals.
holds_undefined(v) if {
	some expression in expressions(v)
	bare := strings.replace_n({m[0]: "\"\"" | some m in regex.find_all_string_submatch_n(`"(?:[^"\\]|\\.)*"`, expression, -1)}, expression)
	regex.match(`(^|[^A-Za-z0-9_.])undefined([^A-Za-z0-9_]|$)`, bare)
}

expressions(v) := {e | e := whole_expression(v)} | {m[2] | some m in regex.find_all_string_submatch_n(`(^|[^$])\$\{([^{}]*)\}`, v, -1)}

whole_expression(v) := substring(v, 2, count(v) - 3) if {
	startswith(v, "${")
	endswith(v, "}")
}

# Attributes the AWS provider validates at plan time (its source: internal/service/<service>/), literal values only.
elb_name := {"pattern": `^[0-9A-Za-z]([0-9A-Za-z-]*[0-9A-Za-z])?$`, "max": 32, "rule": "letters, digits and hyphens, no hyphen first or last, at most 32"}

constraints := {
	"aws_dlm_lifecycle_policy": {"description": {"pattern": `^[0-9A-Za-z _-]+$`, "max": 500, "rule": "letters, digits, spaces, _ and -, at most 500"}},
	"aws_lb": {"name": elb_name},
	"aws_alb": {"name": elb_name},
	"aws_lb_target_group": {"name": elb_name},
	"aws_alb_target_group": {"name": elb_name},
	"aws_cloudwatch_log_group": {"name": {"pattern": `^[.\-_/#A-Za-z0-9]+$`, "max": 512, "rule": "letters, digits, . - _ / #, at most 512"}},
	"aws_cloudwatch_event_rule": {"name": {"pattern": `^[0-9A-Za-z_.-]+$`, "max": 64, "rule": "letters, digits, _ . -, at most 64"}},
}

# [address, attribute, value, rule] of every literal value outside its constraint.
constraint_violations contains [addr, attribute, v, c.rule] if {
	some type, attributes in constraints
	some addr, r in lib.resources(type)
	some attribute, c in attributes
	v := object.get(lib.values(r), attribute, null)
	is_string(v)
	not lib.is_ref(v)
	violates(v, c)
}

violates(v, c) if not regex.match(c.pattern, v)

violates(v, c) if count(v) > c.max
