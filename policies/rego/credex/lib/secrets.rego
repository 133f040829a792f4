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

json_object(s) if is_object(json_value(s))

secret_version_literals(s) := {sprintf("key %s", [k]) |
	some k, v in json_value(s)
	literal_value(v)
	secret_name(k)
} if is_object(json_value(s))

secret_version_literals(s) := set() if not literal_value(s)
