# Helpers over the normalised input shared by every rule.
#
# input.resources maps a Terraform address ("aws_security_group.neo4j", "data.aws_iam_policy_document.x")
# to {"type", "name", "mode": "managed" | "data", "values"}; cdktf blocks may be objects or arrays of
# objects, and any string may hold an unresolved reference such as "${aws_security_group.task.id}".
package credex.lib

# Resources indexed once per evaluation by mode and type (functions are not cached; rules are).
by_type[mode][type][addr] := r if {
	some addr, r in input.resources
	mode := object.get(r, "mode", "managed")
	type := r.type
}

# The managed resources of one type, keyed by address.
resources(type) := object.get(by_type, ["managed", type], {})

# The data sources of one type, keyed by address.
data_sources(type) := object.get(by_type, ["data", type], {})

# The values of a resource, or {} when the input carries none.
values(r) := object.get(r, "values", {})

# The environment the document belongs to ("production", "staging", "global" or "").
environment := object.get(input, "environment", "")

# A string that holds a Terraform expression rather than a literal value.
is_ref(x) if {
	is_string(x)
	contains(x, "${")
}

# A nested block as an array of objects (cdktf writes a single block as an object).
blocks(obj, key) := b if {
	b := object.get(obj, key, [])
	is_array(b)
}

blocks(obj, key) := [b] if {
	b := object.get(obj, key, [])
	is_object(b)
}

blocks(obj, key) := [] if {
	b := object.get(obj, key, [])
	not is_array(b)
	not is_object(b)
}

# A list-of-strings attribute as an array (a single string, e.g. a reference to a list, becomes one element).
strings(x) := [s | some s in x; is_string(s)] if is_array(x)

strings(x) := [x] if is_string(x)

strings(x) := [] if {
	not is_array(x)
	not is_string(x)
}

# The strings of one attribute of an object.
attr_strings(obj, key) := strings(object.get(obj, key, null))

# true when obj[key] is the boolean true or the string "true".
default is_true(_, _) := false

is_true(obj, key) if object.get(obj, key, false) == true

is_true(obj, key) if object.get(obj, key, false) == "true"

# Whether a resource value refers to the resource at addr (a "${addr.attr}" reference) or equals one of
# its known identifiers (plan JSON, where references are resolved).
refers_to(value, addr, _) if {
	is_string(value)
	contains(value, sprintf("${%s.", [addr]))
}

refers_to(value, _, target) if {
	is_string(value)
	value != ""
	some key in ["id", "arn"]
	value == object.get(values(target), key, null)
}

# A parsed JSON document from a string attribute, or undefined.
json_value(s) := v if {
	is_string(s)
	json.is_valid(s)
	v := json.unmarshal(s)
}
