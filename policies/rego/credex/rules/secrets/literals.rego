package credex.rules.secrets

import data.credex.lib

# METADATA
# title: No secret-like literal values
# description: >-
#   A password, token or key written as a literal in a container environment, user data or a secret version
#   ends up in the synthesized JSON, the Terraform state, the git history and the console.
# scope: document
# custom:
#   id: CDX-SEC-001
#   severity: deny
#   remediation: >-
#     Generate the value (random_password) or keep it in Secrets Manager, and pass it to containers through
#     the task definition's `secrets` (valueFrom) and to hosts by reading the secret at boot.
secret_literal contains finding if {
	some [addr, i, c] in lib.containers
	some env in object.get(c, "environment", [])
	is_string(env.name)
	lib.literal_value(object.get(env, "value", null))
	secret_variable(env)
	finding := {
		"address": addr,
		"message": sprintf("%s sets %s to a literal value in environment; use secrets (valueFrom)", [lib.container_name(i, c), env.name]),
	}
}

secret_literal contains finding if {
	some addr, r in input.resources
	r.type in {"aws_instance", "aws_launch_template"}
	text := object.get(lib.values(r), "user_data", null)
	is_string(text)
	secret_in_script(text)
	finding := {"address": addr, "message": "user_data contains a secret-like literal (a credential assignment, private key or access key)"}
}

secret_literal contains finding if {
	some addr, r in lib.resources("aws_secretsmanager_secret_version")
	some key in secret_version_literals(object.get(lib.values(r), "secret_string", null))
	finding := {"address": addr, "message": sprintf("secret_string %s is a literal; generate it (random_password) or set it outside Terraform", [key])}
}

secret_variable(env) if lib.secret_name(env.name)

secret_variable(env) if lib.secret_pattern(env.value)

# `PASSWORD=hunter22`, `token: "abc..."`; a value starting with $ (a variable or command) is not a literal.
secret_in_script(text) if regex.match(`(?i)(password|passwd|secret|token|api[_-]?key)["']?\s*[:=]\s*["']?[A-Za-z0-9+/_!@#%^&*.-]{8,}`, text)

secret_in_script(text) if lib.secret_pattern(text)

# The literal parts of a secret string: the whole string, or the secret-named keys of a JSON object.
secret_version_literals(s) := {"value"} if {
	lib.literal_value(s)
	not is_object(lib.json_value(s))
}

secret_version_literals(s) := {sprintf("key %s", [k]) |
	some k, v in lib.json_value(s)
	lib.literal_value(v)
	lib.secret_name(k)
} if is_object(lib.json_value(s))

secret_version_literals(s) := set() if not lib.literal_value(s)
