# Helpers of the ec2 rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
#
# Everything that launches an instance carries the same exposures: aws_instance, aws_spot_instance_request,
# aws_launch_template and the older aws_launch_configuration (metadata options, volumes, public IPs, user data).
package credex.lib

launching_types := ["aws_instance", "aws_spot_instance_request", "aws_launch_template", "aws_launch_configuration"]

# What an instance's own metadata_options say: "required" (http_tokens = "required", or the endpoint disabled),
# "unset" (nothing said: the launch template or the region's default decides), "optional" or "unresolved".
imds_state(v) := "required" if {
	some b in blocks(v, "metadata_options")
	imds_block_state(b) == "required"
} else := "unresolved" if {
	some b in blocks(v, "metadata_options")
	imds_block_state(b) == "unresolved"
} else := "optional" if {
	some b in blocks(v, "metadata_options")
	imds_block_state(b) == "optional"
} else := "unset"

imds_block_state(b) := "required" if object.get(b, "http_tokens", null) == "required"

imds_block_state(b) := "required" if object.get(b, "http_endpoint", null) == "disabled"

imds_block_state(b) := "unresolved" if {
	not object.get(b, "http_tokens", null) == "required"
	not object.get(b, "http_endpoint", null) == "disabled"
	some k in ["http_tokens", "http_endpoint"]
	unresolved(object.get(b, k, null))
}

imds_block_state(b) := "optional" if object.get(b, "http_tokens", null) == "optional"

# The launch template an instance is launched from, when the input holds it (by reference, resolved id or name).
instance_launch_template(v) := addr if {
	some b in blocks(v, "launch_template")
	some k in ["id", "name"]
	keys := ref_keys(object.get(b, k, null))
	count(keys) > 0
	some addr, template in resources("aws_launch_template")
	launch_template_named(addr, template, keys)
}

launch_template_named(addr, template, keys) if named_by(addr, template, keys)

launch_template_named(_, template, keys) if object.get(values(template), "name", null) in keys

# The region's instance metadata defaults require IMDSv2 for launches that do not say otherwise.
region_requires_imdsv2(r) if {
	some d in resources("aws_ec2_instance_metadata_defaults")
	object.get(values(d), "http_tokens", null) == "required"
	same_region(d, r)
}

# Why a launching resource does not require IMDSv2, or undefined when it does: its own metadata_options, then (for
# instances with none) the launch template they are launched from, then the region's metadata defaults.
imdsv2_problem(r) := sprintf("%s does not require IMDSv2 (metadata_options.http_tokens is not \"required\")", [r.type]) if {
	imds_state(values(r)) == "optional"
}

imdsv2_problem(r) := sprintf("%s metadata_options is an unresolved expression: whether it requires IMDSv2 cannot be judged; %s", [r.type, judgeable_hint]) if {
	imds_state(values(r)) == "unresolved"
}

imdsv2_problem(r) := sprintf("%s does not require IMDSv2 (metadata_options.http_tokens is not \"required\")", [r.type]) if {
	imds_state(values(r)) == "unset"
	not instance_launch_template(values(r))
	not region_requires_imdsv2(r)
}

imdsv2_problem(r) := sprintf("%s does not require IMDSv2: it sets no metadata_options and its launch template %s does not require it either", [r.type, template]) if {
	imds_state(values(r)) == "unset"
	template := instance_launch_template(values(r))
	not imds_state(values(input.resources[template])) == "required"
	not region_requires_imdsv2(r)
}

# EBS encryption by default, in the resource's region ("false" is off; a switch under another region's provider
# does not count here).
encrypted_by_default(r) if {
	some d in resources("aws_ebs_encryption_by_default")
	bool_value(object.get(values(d), "enabled", true)) == true
	same_region(d, r)
}

# Why a volume block is not encrypted, or undefined when it is.
encryption_problem(where, b) := sprintf("%s is not encrypted", [where]) if {
	switch_state(b, "encrypted") in {"false", "unset"}
}

encryption_problem(where, b) := sprintf("%s: encrypted is the unresolved expression %s and cannot be judged; %s", [where, b.encrypted, judgeable_hint]) if {
	switch_state(b, "encrypted") == "unresolved"
}

# The volumes of an instance, spot request or launch configuration that are not encrypted, with why. An instance
# without a root_block_device gets the AMI's default, unless a launch template in the input says what it launches.
unencrypted_instance_volumes(v) := {"root_block_device (missing: the AMI's default applies) is not encrypted"} if {
	count(blocks(v, "root_block_device")) == 0
	not instance_launch_template(v)
}

unencrypted_instance_volumes(v) := {problem |
	some key in ["root_block_device", "ebs_block_device"]
	some i, b in blocks(v, key)
	problem := encryption_problem(sprintf("%s[%d]", [key, i]), b)
} if {
	count(blocks(v, "root_block_device")) > 0
}

unencrypted_instance_volumes(v) := {problem |
	some i, b in blocks(v, "ebs_block_device")
	problem := encryption_problem(sprintf("ebs_block_device[%d]", [i]), b)
} if {
	count(blocks(v, "root_block_device")) == 0
	instance_launch_template(v)
}
