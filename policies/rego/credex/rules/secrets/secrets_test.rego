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
