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

# Managed keys through data sources: an AWS-managed key looked up by data.aws_kms_key or data.aws_kms_alias fails
# the rule (cdktf config: by its alias; a plan: key_manager AWS, matched by reference or by the resolved ARN); a lookup
# of the environment's own key passes.
secret(key) := {"aws_secretsmanager_secret.x": res("aws_secretsmanager_secret", {"kms_key_id": key})}

lookup(type, values) := {sprintf("data.%s.k", [type]): {"type": type, "name": "k", "mode": "data", "values": values}}

test_cmk_05_aws_managed_key_through_data_sources if {
	count(kms.customer_managed_keys) == 1 with input as doc("production", object.union(secret("${data.aws_kms_key.k.arn}"), lookup("aws_kms_key", {"key_id": "alias/aws/secretsmanager"})))
	count(kms.customer_managed_keys) == 1 with input as doc("production", object.union(secret("${data.aws_kms_alias.k.target_key_arn}"), lookup("aws_kms_alias", {"name": "alias/aws/secretsmanager"})))
	count(kms.customer_managed_keys) == 1 with input as doc("production", object.union(secret("arn:aws:kms:af-south-1:1:key/aws-owned"), lookup("aws_kms_key", {"arn": "arn:aws:kms:af-south-1:1:key/aws-owned", "key_manager": "AWS"})))
	count(kms.customer_managed_keys) == 0 with input as doc("production", object.union(secret("${data.aws_kms_key.k.arn}"), lookup("aws_kms_key", {"key_id": "alias/credex-production"})))
	count(kms.customer_managed_keys) == 0 with input as doc("production", object.union(secret("${data.aws_kms_key.k.arn}"), lookup("aws_kms_key", {"key_id": "${aws_kms_key.env.id}"})))
	count(kms.customer_managed_keys) == 0 with input as doc("production", object.union(secret("arn:aws:kms:af-south-1:1:key/mine"), lookup("aws_kms_key", {"arn": "arn:aws:kms:af-south-1:1:key/mine", "key_manager": "CUSTOMER"})))
}

# Fail closed: a key that is a variable, a local, a lookup not in the input or a lookup of a variable cannot be
# judged; a plan's "known after apply" without a reference is no key at all.
group(key) := {"aws_cloudwatch_log_group.x": res("aws_cloudwatch_log_group", {"kms_key_id": key})}

test_cmk_06_unresolved_keys if {
	some f in kms.customer_managed_keys with input as doc("production", group("${var.key_arn}"))
	contains(f.message, "cannot be judged")
	count(kms.customer_managed_keys) == 1 with input as doc("production", group("${local.key}"))
	count(kms.customer_managed_keys) == 1 with input as doc("production", group("${data.aws_kms_key.gone.arn}"))
	count(kms.customer_managed_keys) == 1 with input as doc("production", object.union(group("${data.aws_kms_key.k.arn}"), {"data.aws_kms_key.k": {"type": "aws_kms_key", "name": "k", "mode": "data", "values": {"key_id": "${var.key}"}}}))
	some g in kms.customer_managed_keys with input as doc("production", group("${(known after apply)}"))
	contains(g.message, "names no customer-managed key")
	count(kms.customer_managed_keys) == 0 with input as doc("production", group("${aws_kms_alias.env.target_key_arn}"))
	count(kms.customer_managed_keys) == 0 with input as doc("production", group("${module.keys.aws_kms_key.env.arn}"))
}

# Every volume an instance-like resource launches, and the default key only in its provider's region.
test_cmk_07_launch_carriers_and_regions if {
	count(kms.customer_managed_keys) == 1 with input as doc("production", {"aws_launch_template.x": res("aws_launch_template", {"block_device_mappings": [{"ebs": {"encrypted": true}}]})})
	count(kms.customer_managed_keys) == 0 with input as doc("production", {"aws_launch_template.x": res("aws_launch_template", {"block_device_mappings": [{"ebs": {"encrypted": true, "kms_key_id": cmk}}]})})
	count(kms.customer_managed_keys) == 1 with input as doc("production", {"aws_launch_configuration.x": res("aws_launch_configuration", {"root_block_device": {"encrypted": true}})})
	elsewhere := {
		"aws_ebs_default_kms_key.d": res("aws_ebs_default_kms_key", {"key_arn": cmk, "provider": "aws.eu"}),
		"aws_ebs_volume.x": res("aws_ebs_volume", {"encrypted": true}),
	}
	count(kms.customer_managed_keys) == 1 with input as {"environment": "production", "resources": elsewhere, "providers": {"aws": "af-south-1", "aws.eu": "eu-west-1"}}
}

test_rotation_03_unresolved if {
	some f in kms.key_rotation with input as doc("staging", {"aws_kms_key.x": res("aws_kms_key", {"enable_key_rotation": "${var.rotate}"})})
	contains(f.message, "cannot be judged")
	count(kms.key_rotation) == 1 with input as doc("staging", {"aws_kms_key.x": res("aws_kms_key", {"customer_master_key_spec": "${var.spec}"})})
}
