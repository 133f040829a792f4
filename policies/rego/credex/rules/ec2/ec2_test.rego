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

res(type, name, values) := {"type": type, "name": name, "mode": "managed", "values": values}

# An instance launched from a launch template that requires IMDSv2 passes (cross-resource); by reference, by name
# and by a plan's resolved id. The instance's own setting wins over the template's.
test_imdsv2_03_launch_template_decides if {
	template := res("aws_launch_template", "lt", {"name": "hosts", "id": "lt-0abc", "metadata_options": {"http_tokens": "required"}})
	every ref in [{"id": "${aws_launch_template.lt.id}"}, {"name": "hosts"}, {"id": "lt-0abc", "version": "$Latest"}] {
		count(ec2.imdsv2_required) == 0 with input as {"resources": {"aws_launch_template.lt": template, "aws_instance.i": res("aws_instance", "i", {"launch_template": ref})}}
	}
	count(ec2.imdsv2_required) == 1 with input as {"resources": {"aws_launch_template.lt": template, "aws_instance.i": res("aws_instance", "i", {"launch_template": {"id": "${aws_launch_template.lt.id}"}, "metadata_options": {"http_tokens": "optional"}})}}
	weak := res("aws_launch_template", "lt", {"metadata_options": {"http_tokens": "optional"}})
	some f in ec2.imdsv2_required with input as {"resources": {"aws_launch_template.lt": weak, "aws_instance.i": res("aws_instance", "i", {"launch_template": {"id": "${aws_launch_template.lt.id}"}})}}
	f.address == "aws_instance.i"
	contains(f.message, "its launch template aws_launch_template.lt does not require it either")
}

# The older and spot carriers are judged too; an unresolved http_tokens cannot be judged.
test_imdsv2_04_other_carriers_and_unresolved if {
	count(ec2.imdsv2_required) == 1 with input as one("aws_launch_configuration", {"image_id": "ami-1"})
	count(ec2.imdsv2_required) == 1 with input as one("aws_spot_instance_request", {"ami": "ami-1"})
	count(ec2.imdsv2_required) == 0 with input as one("aws_launch_configuration", {"metadata_options": {"http_tokens": "required"}})
	some f in ec2.imdsv2_required with input as one("aws_instance", {"metadata_options": {"http_tokens": "${var.tokens}"}})
	contains(f.message, "cannot be judged")
}

# The region's metadata defaults count in their region only (provider aliases by region).
defaults(provider) := res("aws_ec2_instance_metadata_defaults", "d", object.union({"http_tokens": "required"}, provider))

test_imdsv2_05_region_defaults if {
	count(ec2.imdsv2_required) == 0 with input as {"resources": {"aws_ec2_instance_metadata_defaults.d": defaults({}), "aws_instance.i": res("aws_instance", "i", {})}}
	count(ec2.imdsv2_required) == 1 with input as {"resources": {"aws_ec2_instance_metadata_defaults.d": defaults({"provider": "aws.eu"}), "aws_instance.i": res("aws_instance", "i", {})}, "providers": {"aws": "af-south-1", "aws.eu": "eu-west-1"}}
	count(ec2.imdsv2_required) == 0 with input as {"resources": {"aws_ec2_instance_metadata_defaults.d": defaults({"provider": "aws.same"}), "aws_instance.i": res("aws_instance", "i", {})}, "providers": {"aws": "af-south-1", "aws.same": "af-south-1"}}
}

# EBS encryption by default: "false" is off, and a switch under another region's provider does not count here.
switch(values) := res("aws_ebs_encryption_by_default", "d", values)

test_encryption_03_default_switch_by_meaning if {
	volume := res("aws_ebs_volume", "v", {})
	count(ec2.volume_encryption) == 1 with input as {"resources": {"aws_ebs_volume.v": volume, "aws_ebs_encryption_by_default.d": switch({"enabled": "false"})}}
	count(ec2.volume_encryption) == 1 with input as {"resources": {"aws_ebs_volume.v": volume, "aws_ebs_encryption_by_default.d": switch({"enabled": true, "provider": "aws.eu"})}, "providers": {"aws": "af-south-1", "aws.eu": "eu-west-1"}}
	count(ec2.volume_encryption) == 1 with input as {"resources": {"aws_ebs_volume.v": volume, "aws_ebs_encryption_by_default.d": switch({"enabled": true, "provider": "aws.eu"})}}
	count(ec2.volume_encryption) == 0 with input as {"resources": {"aws_ebs_volume.v": res("aws_ebs_volume", "v", {"provider": "aws.eu"}), "aws_ebs_encryption_by_default.d": switch({"enabled": true, "provider": "aws.eu"})}}
	count(ec2.volume_encryption) == 0 with input as {"resources": {"aws_ebs_volume.v": volume, "aws_ebs_encryption_by_default.d": switch({"enabled": "true"})}}
}

# Launch configurations and spot requests carry volumes too; "false" is not encrypted; an expression cannot be judged.
test_encryption_04_other_carriers if {
	count(ec2.volume_encryption) == 2 with input as one("aws_launch_configuration", {"root_block_device": {"encrypted": false}, "ebs_block_device": [{"device_name": "/dev/sdf"}]})
	count(ec2.volume_encryption) == 1 with input as one("aws_spot_instance_request", {"root_block_device": {"encrypted": "false"}})
	count(ec2.volume_encryption) == 0 with input as one("aws_launch_configuration", {"root_block_device": {"encrypted": "true"}})
	some f in ec2.volume_encryption with input as one("aws_ebs_volume", {"encrypted": "${var.encrypted}"})
	contains(f.message, "cannot be judged")
}
