package credex.rules.ec2_test

import data.credex.rules.ec2

one(type, values) := {"resources": {sprintf("%s.x", [type]): {"type": type, "name": "x", "mode": "managed", "values": values}}}

secure_instance := {
	"metadata_options": {"http_tokens": "required"},
	"root_block_device": {"encrypted": true},
}

test_imdsv2_01_missing_denied if {
	count(ec2.imdsv2_required) == 1 with input as one("aws_instance", {})
	count(ec2.imdsv2_required) == 1 with input as one("aws_launch_template", {"metadata_options": [{"http_tokens": "optional"}]})
}

test_imdsv2_02_required_ok if {
	count(ec2.imdsv2_required) == 0 with input as one("aws_instance", secure_instance)
	count(ec2.imdsv2_required) == 0 with input as one("aws_instance", {"metadata_options": [{"http_endpoint": "disabled"}]})
	count(ec2.imdsv2_required) == 0 with input as {"resources": {"data.aws_instance.x": {"type": "aws_instance", "name": "x", "mode": "data", "values": {}}}}
}

test_encryption_01_denied if {
	count(ec2.volume_encryption) == 1 with input as one("aws_ebs_volume", {"size": 10})
	some f in ec2.volume_encryption with input as one("aws_instance", {"root_block_device": [{"encrypted": false}]})
	contains(f.message, "root_block_device[0]")
	some g in ec2.volume_encryption with input as one("aws_instance", {})
	contains(g.message, "missing")
	count(ec2.volume_encryption) == 1 with input as one("aws_instance", object.union(secure_instance, {"ebs_block_device": [{"encrypted": false}]}))
	count(ec2.volume_encryption) == 1 with input as one("aws_launch_template", {"block_device_mappings": [{"ebs": {"encrypted": "false"}}]})
}

test_encryption_02_ok if {
	count(ec2.volume_encryption) == 0 with input as one("aws_ebs_volume", {"encrypted": true})
	count(ec2.volume_encryption) == 0 with input as one("aws_instance", secure_instance)
	count(ec2.volume_encryption) == 0 with input as one("aws_launch_template", {"block_device_mappings": [{"ebs": {"encrypted": "true"}}]})
	count(ec2.volume_encryption) == 0 with input as {"resources": {
		"aws_ebs_volume.v": {"type": "aws_ebs_volume", "name": "v", "mode": "managed", "values": {}},
		"aws_ebs_encryption_by_default.d": {"type": "aws_ebs_encryption_by_default", "name": "d", "mode": "managed", "values": {"enabled": true}},
	}}
}
