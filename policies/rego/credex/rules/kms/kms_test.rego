package credex.rules.kms_test

import data.credex.rules.kms

res(type, values) := {"type": type, "name": "x", "mode": "managed", "values": values}

doc(env, resources) := {"environment": env, "resources": resources}

cmk := "${aws_kms_key.env.arn}"

test_cmk_01_missing_denied if {
	count(kms.customer_managed_keys) == 1 with input as doc("production", {"aws_cloudwatch_log_group.x": res("aws_cloudwatch_log_group", {"retention_in_days": 30})})
	count(kms.customer_managed_keys) == 1 with input as doc("production", {"aws_secretsmanager_secret.x": res("aws_secretsmanager_secret", {"kms_key_id": "alias/aws/secretsmanager"})})
	count(kms.customer_managed_keys) == 1 with input as doc("production", {"aws_ebs_volume.x": res("aws_ebs_volume", {"encrypted": true})})
	count(kms.customer_managed_keys) == 1 with input as doc("production", {"aws_sns_topic.x": res("aws_sns_topic", {"kms_master_key_id": "arn:aws:kms:af-south-1:1:alias/aws/sns"})})
	count(kms.customer_managed_keys) == 2 with input as doc("production", {"aws_instance.x": res("aws_instance", {"root_block_device": {"encrypted": true}, "ebs_block_device": [{"kms_key_id": cmk}, {"encrypted": true}]})})
}

test_cmk_02_present_ok if {
	count(kms.customer_managed_keys) == 0 with input as doc("production", {
		"aws_cloudwatch_log_group.x": res("aws_cloudwatch_log_group", {"kms_key_id": cmk}),
		"aws_secretsmanager_secret.x": res("aws_secretsmanager_secret", {"kms_key_id": "arn:aws:kms:af-south-1:1:key/abc"}),
		"aws_ebs_volume.x": res("aws_ebs_volume", {"kms_key_id": cmk}),
		"aws_sns_topic.x": res("aws_sns_topic", {"kms_master_key_id": "alias/credex-production"}),
		"aws_instance.x": res("aws_instance", {"root_block_device": [{"kms_key_id": cmk}]}),
	})
}

test_cmk_03_default_ebs_key_covers_volumes if {
	count(kms.customer_managed_keys) == 0 with input as doc("production", {
		"aws_ebs_default_kms_key.d": res("aws_ebs_default_kms_key", {"key_arn": cmk}),
		"aws_ebs_volume.x": res("aws_ebs_volume", {"encrypted": true}),
		"aws_instance.x": res("aws_instance", {"root_block_device": {"encrypted": true}}),
	})
}

test_cmk_04_staging_not_judged if {
	count(kms.customer_managed_keys) == 0 with input as doc("staging", {"aws_ebs_volume.x": res("aws_ebs_volume", {"encrypted": true})})
}

test_rotation_01_off_denied if {
	count(kms.key_rotation) == 1 with input as doc("staging", {"aws_kms_key.x": res("aws_kms_key", {})})
	count(kms.key_rotation) == 1 with input as doc("staging", {"aws_kms_key.x": res("aws_kms_key", {"enable_key_rotation": false})})
}

test_rotation_02_on_or_not_rotatable_ok if {
	count(kms.key_rotation) == 0 with input as doc("staging", {"aws_kms_key.x": res("aws_kms_key", {"enable_key_rotation": true})})
	count(kms.key_rotation) == 0 with input as doc("staging", {"aws_kms_key.x": res("aws_kms_key", {"customer_master_key_spec": "RSA_2048"})})
}
