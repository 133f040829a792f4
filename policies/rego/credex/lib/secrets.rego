# Helpers of the secrets rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

secret_variable(env) if secret_name(env.name)

secret_variable(env) if secret_pattern(env.value)

# `PASSWORD=hunter22`, `token: "abc..."`; a value starting with $ (a variable or command) is not a literal.
secret_in_script(text) if regex.match(`(?i)(password|passwd|secret|token|api[_-]?key)["']?\s*[:=]\s*["']?[A-Za-z0-9+/_!@#%^&*.-]{8,}`, text)

secret_in_script(text) if secret_pattern(text)

# The literal parts of a secret string: the whole string, or the secret-named keys of a JSON object.
secret_version_literals(s) := {"value"} if {
	literal_value(s)
	not json_object(s)
}

secret_version_literals(s) := {sprintf("key %s", [k]) |
	some k, v in json_value(s)
	literal_value(v)
	secret_name(k)
} if is_object(json_value(s))

secret_version_literals(s) := set() if not literal_value(s)

json_object(s) if is_object(json_value(s))

# Literal strings the secrets rules read, with where they are: [address, where, text]. Container and Lambda
# environments, user data, secret strings (whole or each value of a JSON object) and SSM parameter values.
secret_carriers contains [addr, sprintf("%s environment %s", [container_name(i, c), env.name]), env.value] if {
	some [addr, i, c] in containers
	some env in object.get(c, "environment", [])
	is_string(env.name)
	literal_value(object.get(env, "value", null))
}

secret_carriers contains [addr, sprintf("environment variable %s", [name]), value] if {
	some addr, r in resources("aws_lambda_function")
	some env in blocks(values(r), "environment")
	some name, value in object.get(env, "variables", {})
	literal_value(value)
}

secret_carriers contains [addr, "user_data", text] if {
	some addr, r in input.resources
	r.mode != "data"
	r.type in {"aws_instance", "aws_launch_template", "aws_launch_configuration"}
	text := object.get(values(r), "user_data", null)
	literal_value(text)
}

secret_carriers contains [addr, "secret_string", text] if {
	some addr, r in resources("aws_secretsmanager_secret_version")
	text := object.get(values(r), "secret_string", null)
	literal_value(text)
	not json_object(text) # (not is_object(json_value(text)) would hoist the call out of the negation)
}

secret_carriers contains [addr, sprintf("secret_string key %s", [k]), v] if {
	some addr, r in resources("aws_secretsmanager_secret_version")
	some k, v in json_value(object.get(values(r), "secret_string", null))
	literal_value(v)
}

secret_carriers contains [addr, key, text] if {
	some addr, r in resources("aws_ssm_parameter")
	some key in ["value", "insecure_value"]
	text := object.get(values(r), key, null)
	literal_value(text)
}

# Lambda environment variables named like credentials, with literal values.
lambda_secret_literals contains [addr, name] if {
	some addr, r in resources("aws_lambda_function")
	some env in blocks(values(r), "environment")
	some name, value in object.get(env, "variables", {})
	literal_value(value)
	secret_name(name)
}
