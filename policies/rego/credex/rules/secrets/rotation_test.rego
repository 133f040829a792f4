package credex.rules.secrets_test

import data.credex.rules.secrets

secret := {"type": "aws_secretsmanager_secret", "name": "s", "mode": "managed", "values": {"name": "credex/production/x"}}

rotation(secret_id) := {"type": "aws_secretsmanager_secret_rotation", "name": "r", "mode": "managed", "values": {"secret_id": secret_id, "rotation_lambda_arn": "${aws_lambda_function.f.arn}"}}

test_rotation_01_missing_denied if {
	count(secrets.rotation) == 1 with input as {"environment": "production", "resources": {"aws_secretsmanager_secret.s": secret}}
	count(secrets.rotation) == 1 with input as {"environment": "production", "resources": {"aws_secretsmanager_secret.s": secret, "aws_secretsmanager_secret_rotation.r": rotation("${aws_secretsmanager_secret.other.id}")}}
}

test_rotation_02_rotated_ok if {
	count(secrets.rotation) == 0 with input as {"environment": "production", "resources": {"aws_secretsmanager_secret.s": secret, "aws_secretsmanager_secret_rotation.r": rotation("${aws_secretsmanager_secret.s.id}")}}
}

# In a plan the reference is resolved: the rotation names the secret's ARN.
test_rotation_03_plan_arn_ok if {
	planned := object.union(secret, {"values": {"arn": "arn:aws:secretsmanager:af-south-1:1:secret:x-AbCdEf"}})
	count(secrets.rotation) == 0 with input as {"environment": "production", "resources": {"aws_secretsmanager_secret.s": planned, "aws_secretsmanager_secret_rotation.r": rotation("arn:aws:secretsmanager:af-south-1:1:secret:x-AbCdEf")}}
}

test_rotation_04_staging_not_judged if {
	count(secrets.rotation) == 0 with input as {"environment": "staging", "resources": {"aws_secretsmanager_secret.s": secret}}
}
