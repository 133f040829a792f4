# Container definitions of ECS task definitions (a JSON string; the normaliser turns cdktf's
# ${jsonencode(...)} into JSON first, keeping references as "${...}" strings).
package credex.lib

containers contains [addr, i, c] if {
	some addr, r in resources("aws_ecs_task_definition")
	defs := json_value(object.get(values(r), "container_definitions", null))
	is_array(defs)
	some i, c in defs
	is_object(c)
}

# Task definitions whose container definitions cannot be read, with why: an expression standing for the whole list,
# invalid JSON, a JSON value that is not a list, or a container that is an expression.
unreadable_containers contains [addr, why] if {
	some addr, r in resources("aws_ecs_task_definition")
	defs := object.get(values(r), "container_definitions", null)
	is_string(defs)
	not json_value(defs)
	why := sprintf("is %s", [unreadable_reason(defs)])
}

unreadable_containers contains [addr, why] if {
	some addr, r in resources("aws_ecs_task_definition")
	defs := json_value(object.get(values(r), "container_definitions", null))
	not is_array(defs)
	why := sprintf("is %s, not a list of containers", [describe_json(defs)])
}

unreadable_containers contains [addr, sprintf("entry %d is %s, not a container", [i, describe_json(c)])] if {
	some addr, r in resources("aws_ecs_task_definition")
	defs := json_value(object.get(values(r), "container_definitions", null))
	is_array(defs)
	some i, c in defs
	not is_object(c)
}

unreadable_reason(s) := sprintf("the unresolved expression %s", [s]) if is_ref(s)

unreadable_reason(s) := "not valid JSON" if not is_ref(s)

describe_json(v) := sprintf("the unresolved expression %s", [v]) if is_string(v)

describe_json(v) := sprintf("a JSON %s", [type_name(v)]) if not is_string(v)

container_name(i, c) := sprintf("container %d (%s)", [i, c.name]) if is_string(c.name)

container_name(i, c) := sprintf("container %d", [i]) if not is_string(object.get(c, "name", null))

# Names of variables or keys that hold credentials: the usual words, a PASS part (NEO4J_LEDGER_SPACE_PASS), and the
# estate's own key names (ledgerspacepass, generated from contracts/neo4j.ts into estate_secrets.rego).
secret_name(name) if regex.match(`(?i)(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|(^|[_.-])pass($|[_.-]))`, name)

secret_name(name) if lower(name) in estate_secret_names

# A literal (not an expression), non-empty string value.
literal_value(v) if {
	is_string(v)
	trim_space(v) != ""
	not is_ref(v)
}

# Text that carries a credential whatever its name: a private key or an AWS access key id.
secret_pattern(text) if regex.match(`-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(AKIA|ASIA)[0-9A-Z]{16}\b`, text)
