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
string_list(x) := [s | some s in x; is_string(s)] if is_array(x)

string_list(x) := [x] if is_string(x)

string_list(x) := [] if {
	not is_array(x)
	not is_string(x)
}

# The old name of string_list, kept for rules written against it (it shadows the strings.* builtins inside this
# package, so new code calls string_list).
# regal ignore:rule-shadows-builtin
strings(x) := string_list(x)

# The strings of one attribute of an object.
attr_strings(obj, key) := string_list(object.get(obj, key, null))

# true when obj[key] is the boolean true or the string "true".
default is_true(_, _) := false

is_true(obj, key) if object.get(obj, key, false) == true

is_true(obj, key) if object.get(obj, key, false) == "true"

# Whether a resource value refers to the resource at addr (a "${addr.attr}" reference) or equals one of
# its known identifiers (plan JSON, where references are resolved). One pair at a time: to match many values
# against many resources, collect ref_keys into a set and ask named_by (linear instead of quadratic).
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

# What a value can name a resource by: the addresses its "${...}" references point at, or the value itself (a
# resolved id or ARN in a plan).
ref_keys(value) := {m[1] |
	some m in regex.find_all_string_submatch_n(`\$\{((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`, value, -1)
} if is_ref(value)

ref_keys(value) := {value} if {
	is_string(value)
	value != ""
	not is_ref(value)
}

ref_keys(value) := set() if not is_string(value)

ref_keys(value) := set() if value == ""

# Whether the resource at addr is named by one of keys (from ref_keys): by its address or its id or ARN.
named_by(addr, _, keys) if addr in keys

named_by(_, r, keys) if {
	some key in ["id", "arn"]
	v := object.get(values(r), key, null)
	is_string(v)
	v in keys
}

# A parsed JSON document from a string attribute, or undefined.
json_value(s) := v if {
	is_string(s)
	json.is_valid(s)
	v := json.unmarshal(s)
}
