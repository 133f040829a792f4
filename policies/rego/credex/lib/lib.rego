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

# Whether a resource value refers to the resource at addr (a "${addr.attr}" reference, at any module depth) or
# equals one of its known identifiers (plan JSON, where references are resolved). One pair at a time: to match many
# values against many resources, collect ref_keys into a set and ask named_by (linear instead of quadratic).
refers_to(value, addr, target) if named_by(addr, target, ref_keys(value))

# A Terraform address inside a reference: module steps with their instance keys, then a resource or data source
# with its own instance key ("module.net[0].aws_vpc.main", "data.aws_iam_policy_document.x", "aws_subnet.a[1]").
address_pattern := `((?:module\.[A-Za-z0-9_-]+(?:\[(?:"[^"]*"|[0-9]+)\])?\.)*(?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[(?:"[^"]*"|[0-9]+)\])?)`

# What a value can name a resource by: the addresses its "${...}" references point at, or the value itself (a
# resolved id or ARN in a plan). In a plan a reference keeps its instance keys ("aws_subnet.a[1]"), as the plan's
# addresses do; in a cdktf config one body stands for every instance, so "aws_subnet.a[1]" names "aws_subnet.a".
ref_keys(value) := {reference_key(m[1]) |
	some m in regex.find_all_string_submatch_n(concat("", [`\$\{`, address_pattern]), value, -1)
} if is_ref(value)

ref_keys(value) := {value} if {
	is_string(value)
	value != ""
	not is_ref(value)
}

ref_keys(value) := set() if not is_string(value)

ref_keys(value) := set() if value == ""

reference_key(a) := without_instance_keys(a) if {
	not input.format == "plan"
	contains(a, "[")
} else := a

# An address without its instance keys: "module.net[0].aws_subnet.a[1]" -> "module.net.aws_subnet.a".
# (The wasm SDK has no regex.replace: the parts outside the keys are matched and joined.)
without_instance_keys(a) := concat("", [m[1] |
	some m in regex.find_all_string_submatch_n(`([^\["]+)|\[(?:"[^"]*"|[^\]]*)\]`, a, -1)
])

# Whether the resource at addr is named by one of keys (from ref_keys): by its address (in a plan, a reference to a
# counted resource without an index, as `aws_vpc.main[count.index]` leaves it, names every instance), or by its id
# or ARN.
named_by(addr, _, keys) if addr in keys

named_by(addr, _, keys) if {
	endswith(addr, "]")
	without_instance_keys(addr) in keys
}

named_by(_, r, keys) if {
	some key in ["id", "arn"]
	v := object.get(values(r), key, null)
	is_string(v)
	v in keys
}

# The resource type of an address at any module depth ("module.a.module.b.aws_vpc.main[0]" -> "aws_vpc"), for
# rules that must not read the type from the address's first word.
address_type(addr) := input.resources[addr].type

# A parsed JSON document from a string attribute, or undefined.
json_value(s) := v if {
	is_string(s)
	json.is_valid(s)
	v := json.unmarshal(s)
}
