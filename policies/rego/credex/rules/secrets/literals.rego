package credex.rules.secrets

import data.credex.lib

# METADATA
# title: No secret-like literal values
# description: >-
#   A password, token or key written as a literal under a credential's name (PASSWORD, TOKEN, API_KEY, the estate's
#   own ledgerspacepass / NEO4J_*_PASS) in a container or Lambda environment, user data or a secret version ends
#   up in the synthesized JSON, the Terraform state, the git history and the console. The name says "maybe" only
#   when the value looks like a secret: a number, a duration, a boolean, an ARN or a secret's name or path is not one
#   (JWT_TOKEN_TTL_SECONDS=3600, PASSWORD_MIN_LENGTH=12); user_data_base64 is read decoded.
# scope: document
# custom:
#   id: CDX-SEC-001
#   severity: deny
#   context_types: [aws_secretsmanager_secret, aws_ssm_parameter]
#   remediation: >-
#     Generate the value (random_password) or keep it in Secrets Manager, and pass it to containers through
#     the task definition's `secrets` (valueFrom) and to hosts by reading the secret at boot.
secret_literal contains finding if {
	some [addr, i, c] in lib.containers
	some env in object.get(c, "environment", [])
	is_string(env.name)
	lib.literal_value(object.get(env, "value", null))
	lib.secret_variable(env)
	finding := {
		"address": addr,
		"message": sprintf("%s sets %s to a literal value in environment; use secrets (valueFrom)", [lib.container_name(i, c), env.name]),
	}
}

secret_literal contains finding if {
	some [addr, name] in lib.lambda_secret_literals
	finding := {
		"address": addr,
		"message": sprintf("environment variable %s is a literal value; read it from Secrets Manager at run time", [name]),
	}
}

secret_literal contains finding if {
	some [addr, where, text] in lib.user_data_texts
	lib.secret_in_script(text)
	finding := {"address": addr, "message": sprintf("%s contains a secret-like literal (a credential assignment, private key or access key)", [where])}
}

secret_literal contains finding if {
	some addr, r in lib.resources("aws_secretsmanager_secret_version")
	some key in lib.secret_version_literals(object.get(lib.values(r), "secret_string", null))
	finding := {"address": addr, "message": sprintf("secret_string %s is a literal; generate it (random_password) or set it outside Terraform", [key])}
}
