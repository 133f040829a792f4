# Helpers of the ec2 rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

imdsv2(v) if {
	some b in blocks(v, "metadata_options")
	b.http_tokens == "required"
}

imdsv2(v) if {
	some b in blocks(v, "metadata_options")
	b.http_endpoint == "disabled"
}

unencrypted_instance_volumes(v) := {"root_block_device (missing: the AMI's default applies)"} if {
	count(blocks(v, "root_block_device")) == 0
}

unencrypted_instance_volumes(v) := {w |
	some key in ["root_block_device", "ebs_block_device"]
	some i, b in blocks(v, key)
	not is_true(b, "encrypted")
	w := sprintf("%s[%d]", [key, i])
} if {
	count(blocks(v, "root_block_device")) > 0
}

encryption_by_default if {
	some r in resources("aws_ebs_encryption_by_default")
	not object.get(values(r), "enabled", true) == false
}
