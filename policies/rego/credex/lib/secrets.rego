# Helpers of the secrets rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
#
# Secrets by name and by value together: a name (PASSWORD, TOKEN, the estate's NEO4J_*_PASS) says "this may be a
# secret" only when the value looks like one. A number, a duration, a boolean, an ARN or a secret's name or path is
# not a secret whatever it is called (JWT_TOKEN_TTL_SECONDS=3600, PASSWORD_MIN_LENGTH=12,
# APP_SECRET_NAME=credex-core/production/app). Known credential formats are found by value anywhere (CDX-SEC-004).
package credex.lib

secret_variable(env) if {
	secret_name(env.name)
	secret_value(env.name, env.value)
}

secret_variable(env) if secret_pattern(env.value)

# A value under a credential's name that could be the credential.
secret_value(name, value) if {
	literal_value(value)
	not metadata_name(name)
	not not_a_secret(value)
}

# Names that say the value describes a secret rather than holds it: its name, id, ARN, path or file, a length, a
# lifetime, a version, a switch.
metadata_name(name) if regex.match(`(?i)(^|[_.-])(name|id|arn|path|file|ref|length|len|min_length|max_length|ttl|seconds|secs|minutes|mins|hours|days|timeout|expiry|expires_in|version|enabled|region)$`, name)

# Values that are not secrets whatever their name.
not_a_secret(v) if scalar_not_secret(v)

# A JSON map or list whose every member is a plain value that is not a secret: the rotation function's
# {"ledgerspace": "arn:aws:secretsmanager:..."} under SPACE_SECRETS is a map of ARNs, not a secret. A nested
# object or list is not excused.
not_a_secret(v) if {
	doc := json_value(v)
	count(doc) > 0
	not is_string(doc)
	every member in doc {
		plain_not_secret(member)
	}
}

# A string that is not a secret: a number, a duration, a switch, an ARN, a secret's name or path.
scalar_not_secret(v) if regex.match(`^\s*-?[0-9]+(\.[0-9]+)?\s*$`, v)

scalar_not_secret(v) if regex.match(`(?i)^\s*[0-9]+(\.[0-9]+)?\s*(ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s*$`, v)

scalar_not_secret(v) if regex.match(`^P(T?[0-9]+[YMWDHS])+$`, v) # ISO 8601 durations (PT1H)

scalar_not_secret(v) if lower(trim_space(v)) in {"true", "false", "yes", "no", "on", "off", "none", "null", "enabled", "disabled"}

scalar_not_secret(v) if startswith(trim_space(v), "arn:")

# A secret's name or an SSM parameter path: lower-case segments separated by slashes (credex-core/production/app,
# /credex/production/db-password).
scalar_not_secret(v) if regex.match(`^/?[a-z][a-z0-9_.+=@-]*(/[a-z0-9][a-z0-9_.+=@-]*)+/?$`, v)

# The name of a secret or parameter of this configuration.
scalar_not_secret(v) if v in secret_names

plain_not_secret(x) if is_number(x)

plain_not_secret(x) if is_boolean(x)

plain_not_secret(x) if {
	is_string(x)
	scalar_not_secret(x)
}

secret_names contains name if {
	some type in ["aws_secretsmanager_secret", "aws_ssm_parameter"]
	some r in resources(type)
	name := object.get(values(r), "name", null)
	is_string(name)
	name != ""
}

# `PASSWORD=hunter22`, `token: "abc..."` whose value could be a secret; a value starting with $ (a variable or
# command) is not a literal.
secret_in_script(text) if {
	some m in regex.find_all_string_submatch_n(`(?i)((?:password|passwd|secret|token|api[_-]?key)["']?)\s*[:=]\s*["']?([A-Za-z0-9+/_!@#%^&*.-]{8,})`, text, 100)
	not not_a_secret(m[2])
}

secret_in_script(text) if secret_pattern(text)

# The literal parts of a secret string: the whole string, or the secret-named keys of a JSON object whose values
# could be secrets.
secret_version_literals(s) := {"value"} if {
	literal_value(s)
	not json_object(s)
}

secret_version_literals(s) := {sprintf("key %s", [k]) |
	some k, v in json_value(s)
	secret_name(k)
	secret_value(k, v)
} if is_object(json_value(s))

secret_version_literals(s) := set() if not literal_value(s)

json_object(s) if is_object(json_value(s))

# Instance user data as the instance receives it: user_data as written, user_data_base64 (and a launch template's
# user_data, which is base64) decoded. [address, where, text] for text the rules can read.
user_data_texts contains [addr, "user_data", text] if {
	some type in ["aws_instance", "aws_spot_instance_request", "aws_launch_configuration"]
	some addr, r in resources(type)
	text := object.get(values(r), "user_data", null)
	literal_value(text)
}

user_data_texts contains [addr, where, text] if {
	some [addr, key, encoded] in encoded_user_data
	text := decoded_user_data(encoded)
	where := user_data_where(key, encoded)
}

encoded_user_data contains [addr, "user_data_base64", v] if {
	some type in ["aws_instance", "aws_spot_instance_request", "aws_launch_configuration"]
	some addr, r in resources(type)
	v := object.get(values(r), "user_data_base64", null)
	literal_value(v)
}

encoded_user_data contains [addr, "user_data", v] if {
	some addr, r in resources("aws_launch_template")
	v := object.get(values(r), "user_data", null)
	literal_value(v)
}

# Base64 decoded when it is base64 of text; kept as written otherwise (a launch template's user_data written as
# plain text by mistake is still read).
decoded_user_data(v) := base64_text(trim_space(v)) if base64_text(trim_space(v))

decoded_user_data(v) := v if {
	not base64_text(trim_space(v))
	not gzip_base64(v)
}

user_data_where(key, v) := sprintf("%s (decoded)", [key]) if base64_text(trim_space(v))

user_data_where(key, v) := key if not base64_text(trim_space(v))

# User data compressed with gzip (base64 of 1f 8b ...): the gate cannot read it.
unreadable_user_data contains [addr, key] if {
	some [addr, key, encoded] in encoded_user_data
	gzip_base64(encoded)
}

gzip_base64(v) if startswith(trim_space(v), "H4sI")

# The text a base64 string decodes to, when it is base64 (standard alphabet, padded) of printable text.
base64_text(s) := d if {
	count(s) >= 4
	count(s) % 4 == 0
	regex.match(`^[A-Za-z0-9+/]+={0,2}$`, s)
	base64.is_valid(s)
	d := base64.decode(s)
	regex.match(`^[\t\n\r\x20-\x7e]*$`, d)
}

# Literal strings the secrets rules read, with where they are and the name they are held under ("" when none):
# [address, where, name, text]. Container and Lambda environments, user data (decoded), secret strings (whole or
# each value of a JSON object) and SSM parameter values.
secret_carriers contains [addr, sprintf("%s environment %s", [container_name(i, c), env.name]), env.name, env.value] if {
	some [addr, i, c] in containers
	some env in object.get(c, "environment", [])
	is_string(env.name)
	literal_value(object.get(env, "value", null))
}

secret_carriers contains [addr, sprintf("environment variable %s", [name]), name, value] if {
	some addr, r in resources("aws_lambda_function")
	some env in blocks(values(r), "environment")
	some name, value in object.get(env, "variables", {})
	literal_value(value)
}

secret_carriers contains [addr, where, "", text] if {
	some [addr, where, text] in user_data_texts
}

secret_carriers contains [addr, "secret_string", "", text] if {
	some addr, r in resources("aws_secretsmanager_secret_version")
	text := object.get(values(r), "secret_string", null)
	literal_value(text)
	not json_object(text) # (not is_object(json_value(text)) would hoist the call out of the negation)
}

secret_carriers contains [addr, sprintf("secret_string key %s", [k]), k, v] if {
	some addr, r in resources("aws_secretsmanager_secret_version")
	some k, v in json_value(object.get(values(r), "secret_string", null))
	literal_value(v)
}

secret_carriers contains [addr, key, "", text] if {
	some addr, r in resources("aws_ssm_parameter")
	some key in ["value", "insecure_value"]
	text := object.get(values(r), key, null)
	literal_value(text)
}

# Lambda environment variables named like credentials, with literal values that could be secrets.
lambda_secret_literals contains [addr, name] if {
	some addr, r in resources("aws_lambda_function")
	some env in blocks(values(r), "environment")
	some name, value in object.get(env, "variables", {})
	secret_name(name)
	secret_value(name, value)
}
