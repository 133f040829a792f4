package credex.rules.secrets_test

import data.credex.rules.secrets

task(containers) := {"resources": {"aws_ecs_task_definition.t": {"type": "aws_ecs_task_definition", "name": "t", "mode": "managed", "values": {"container_definitions": json.marshal(containers)}}}}

one(type, values) := {"resources": {sprintf("%s.x", [type]): {"type": type, "name": "x", "mode": "managed", "values": values}}}

test_env_01_literal_password_denied if {
	some f in secrets.secret_literal with input as task([{"name": "api", "environment": [{"name": "NEO4J_PASSWORD", "value": "hunter2hunter2"}]}])
	contains(f.message, "NEO4J_PASSWORD")
	not contains(f.message, "hunter2")
	count(secrets.secret_literal) == 1 with input as task([{"environment": [{"name": "AWS_KEY", "value": "AKIAABCDEFGHIJKLMNOP"}]}])
}

test_env_02_reference_or_plain_ok if {
	count(secrets.secret_literal) == 0 with input as task([{"name": "api", "environment": [
		{"name": "NEO4J_PASSWORD", "value": "${random_password.p.result}"},
		{"name": "NODE_ENV", "value": "production"},
		{"name": "TOKEN_TTL", "value": ""},
	]}])
}

test_user_data_01_denied if {
	count(secrets.secret_literal) == 1 with input as one("aws_instance", {"user_data": "#!/bin/bash\nNEO4J_PASSWORD=s3cretpassw0rd neo4j start"})
	count(secrets.secret_literal) == 1 with input as one("aws_launch_template", {"user_data": "-----BEGIN RSA PRIVATE KEY-----\nabc"})
}

test_user_data_02_ok if {
	count(secrets.secret_literal) == 0 with input as one("aws_instance", {"user_data": "#!/bin/bash\nPASSWORD=$(aws secretsmanager get-secret-value --secret-id x)"})
}

test_secret_version_01_denied if {
	count(secrets.secret_literal) == 1 with input as one("aws_secretsmanager_secret_version", {"secret_string": "plaintext"})
	some f in secrets.secret_literal with input as one("aws_secretsmanager_secret_version", {"secret_string": json.marshal({"user": "neo4j", "password": "literal-pass"})})
	contains(f.message, "key password")
}

test_secret_version_02_ok if {
	count(secrets.secret_literal) == 0 with input as one("aws_secretsmanager_secret_version", {"secret_string": "${random_password.p.result}"})
	count(secrets.secret_literal) == 0 with input as one("aws_secretsmanager_secret_version", {"secret_string": json.marshal({"user": "neo4j", "password": "${random_password.p.result}"})})
}

env(name, value) := task([{"name": "api", "environment": [{"name": name, "value": value}]}])

# Secrets by name and value together: a credential's name holding a number, a duration, a boolean, an ARN or a
# secret's name is not a secret; the same names holding words are.
test_name_and_value_01_not_secrets if {
	every pair in [
		["JWT_TOKEN_TTL_SECONDS", "3600"],
		["PASSWORD_MIN_LENGTH", "12"],
		["TOKEN_LIFETIME", "15m"],
		["SESSION_TOKEN_TIMEOUT", "PT1H"],
		["API_KEY_REQUIRED", "true"],
		["APP_SECRET", "credex-core/production/app"],
		["DB_PASSWORD_PARAMETER", "/credex/production/db-password"],
		["NEO4J_SECRET", "arn:aws:secretsmanager:af-south-1:123456789012:secret:neo4j_prod_secrets-AbC123"],
		["JWT_SECRET_NAME", "jwtsecret"],
	] {
		count(secrets.secret_literal) == 0 with input as env(pair[0], pair[1])
	}
}

test_name_and_value_02_still_secrets if {
	every pair in [
		["JWT_SECRET", "correct-horse-battery"],
		["NEO4J_PASSWORD", "hunter2hunter2"],
		["API_KEY", "12ab-34cd"],
		["TOKEN", "Credex/Prod/Key"],
	] {
		count(secrets.secret_literal) == 1 with input as env(pair[0], pair[1])
	}
}

# A secret's name is not a secret when the configuration holds that secret.
test_name_and_value_03_secret_names_of_the_configuration if {
	doc := {"resources": object.union(env("NEO4J_SECRET", "neo4j_prod_secrets").resources, {"aws_secretsmanager_secret.s": {"type": "aws_secretsmanager_secret", "name": "s", "mode": "managed", "values": {"name": "neo4j_prod_secrets"}}})}
	count(secrets.secret_literal) == 0 with input as doc
	count(secrets.secret_literal) == 1 with input as env("NEO4J_SECRET", "neo4j_prod_secrets")
}

test_name_and_value_04_scripts_and_lambdas if {
	count(secrets.secret_literal) == 0 with input as one("aws_instance", {"user_data": "#!/bin/bash\nSECRET=credex-core/staging/app\nTOKEN=86400000\n"})
	count(secrets.secret_literal) == 1 with input as one("aws_instance", {"user_data": "#!/bin/bash\nSECRET=correct-horse-battery\n"})
	count(secrets.secret_literal) == 0 with input as one("aws_lambda_function", {"environment": {"variables": {"TOKEN_TTL_SECONDS": "900", "PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:x"}}})
	count(secrets.secret_literal) == 1 with input as one("aws_lambda_function", {"environment": {"variables": {"DB_PASSWORD": "plain-words-here"}}})
	count(secrets.secret_literal) == 0 with input as one("aws_secretsmanager_secret_version", {"secret_string": json.marshal({"password_rotation_days": "30", "password": "${random_password.p.result}"})})
}

# A JSON map of ARNs under a secret-sounding name (the rotation function's SPACE_SECRETS as a plan knows it after the
# first apply) is not a secret; the same map holding a word, or a nested object, is judged.
test_name_and_value_05_json_maps if {
	arns := json.marshal({"ledgerspace": "arn:aws:secretsmanager:af-south-1:1:secret:a", "searchspace": "arn:aws:secretsmanager:af-south-1:1:secret:b"})
	count(secrets.secret_literal) == 0 with input as one("aws_lambda_function", {"environment": {"variables": {"SPACE_SECRETS": arns}}})
	count(secrets.secret_literal) == 1 with input as one("aws_lambda_function", {"environment": {"variables": {"SPACE_SECRETS": json.marshal({"ledgerspace": "hunter2-but-longer"})}}})
	count(secrets.secret_literal) == 1 with input as one("aws_lambda_function", {"environment": {"variables": {"SPACE_SECRETS": json.marshal({"a": {"b": "arn:aws:x"}})}}})
}

# Known credential formats by value anywhere: URIs with a password, NEO4J_AUTH user/password.
test_formats_01_uri_and_neo4j_auth if {
	some f in secrets.credential_value with input as env("DATABASE_URL", "neo4j+s://neo4j:Tr0ub4dor3x@ledger.internal:7687")
	contains(f.message, "a URI with a password")
	some g in secrets.credential_value with input as env("NEO4J_AUTH", "neo4j/Tr0ub4dor3x")
	contains(g.message, "a NEO4J_AUTH user/password")
	count(secrets.credential_value) == 1 with input as one("aws_instance", {"user_data": "docker run -e NEO4J_AUTH=neo4j/Tr0ub4dor3x neo4j:5"})
	count(secrets.credential_value) == 1 with input as one("aws_ssm_parameter", {"value": "redis://:s3cret-pass@cache:6379/0"})
	count(secrets.credential_value) == 1 with input as one("aws_secretsmanager_secret_version", {"secret_string": json.marshal({"NEO4J_AUTH": "neo4j/Tr0ub4dor3x"})})
}

test_formats_02_not_credentials if {
	count(secrets.credential_value) == 0 with input as env("NEO4J_AUTH", "none")
	count(secrets.credential_value) == 0 with input as env("NEO4J_URI", "bolt://ledger.internal:7687")
	count(secrets.credential_value) == 0 with input as one("aws_instance", {"user_data": "#!/bin/bash\nexport NEO4J_AUTH=neo4j/$NEO4J_PASSWORD\ncurl https://user@example.com/x\n"})
	count(secrets.credential_value) == 0 with input as env("ENDPOINT", "https://api.example.com:443/v1")
}

# user_data_base64 and a launch template's user_data are read decoded: a base64 private key or NEO4J_AUTH is found,
# a base64 script is not denied for its entropy; gzip cannot be read.
script_b64 := "IyEvYmluL2Jhc2gKc2V0IC1ldW8gcGlwZWZhaWwKYXB0LWdldCB1cGRhdGUKc3lzdGVtY3RsIGVuYWJsZSAtLW5vdyBuZW80ago="

key_b64 := "IyEvYmluL2Jhc2gKY2F0ID4gL3Jvb3QvLnNzaC9pZF9yc2EgPDwnRU9GMicKLS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBMXgKLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0KRU9GMgo="

auth_b64 := "IyEvYmluL2Jhc2gKZXhwb3J0IE5FTzRKX0FVVEg9bmVvNGovVHIwdWI0ZG9yM3gK"

test_base64_01_decoded_before_judging if {
	some f in secrets.credential_value with input as one("aws_instance", {"user_data_base64": key_b64})
	contains(f.message, "user_data_base64 (decoded) holds a value shaped like a private key")
	count(secrets.secret_literal) == 1 with input as one("aws_instance", {"user_data_base64": key_b64})
	count(secrets.credential_value) == 1 with input as one("aws_launch_template", {"user_data": key_b64})
	count(secrets.credential_value) == 1 with input as one("aws_launch_configuration", {"user_data_base64": auth_b64})
	count(secrets.credential_value) == 1 with input as one("aws_spot_instance_request", {"user_data_base64": auth_b64})
}

test_base64_02_script_not_denied_for_entropy if {
	count(secrets.credential_value) == 0 with input as one("aws_instance", {"user_data_base64": script_b64})
	count(secrets.credential_value) == 0 with input as one("aws_launch_template", {"user_data": script_b64})
	count(secrets.credential_value) == 0 with input as one("aws_instance", {"user_data": sprintf("#!/bin/bash\necho %s | base64 -d > /etc/app.sh\n", [script_b64])})
	count(secrets.credential_value) == 0 with input as env("BOOT_SCRIPT", script_b64)
}

test_base64_03_binary_still_judged if {
	# base64 of random bytes is key material by its entropy.
	count(secrets.credential_value) == 1 with input as env("UPSTREAM", "q0ZcXv8Rk2Lm5Np7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3GhI=")
}

test_base64_04_gzip_cannot_be_judged if {
	some f in secrets.credential_value with input as one("aws_instance", {"user_data_base64": "H4sIAJJDFmsC/6sAAIMW3IwBAAAA"})
	contains(f.message, "cannot be judged")
}
