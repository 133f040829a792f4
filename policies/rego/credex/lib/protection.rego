# Helpers of the data-protection rules: secret rotation, customer-managed keys, WAF on load balancers
# (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

# A secret that an aws_secretsmanager_secret_rotation names (by reference, or by id/ARN in a plan).
secret_rotated(addr, secret) if {
	some rotation in resources("aws_secretsmanager_secret_rotation")
	refers_to(object.get(values(rotation), "secret_id", null), addr, secret)
}

# A key attribute that names a customer-managed key: a reference or a key id/ARN/alias that is not AWS's own
# ("alias/aws/...", the default the service uses when the attribute is empty).
customer_managed_key(v, attr) if {
	key := object.get(v, attr, "")
	is_string(key)
	key != ""
	not aws_managed_key(key)
}

aws_managed_key(key) if startswith(key, "alias/aws/")

aws_managed_key(key) if contains(key, ":alias/aws/")

# EBS encryption by default with a customer-managed key covers volumes that name none.
default_ebs_cmk if {
	some r in resources("aws_ebs_default_kms_key")
	customer_managed_key(values(r), "key_arn")
}

covered_by_default_key("aws_ebs_volume") if default_ebs_cmk

# Where an instance's volumes lack a customer-managed key ("root_block_device", "ebs_block_device[1]").
instance_volumes_without_cmk(v) := {where |
	some b in blocks(v, "root_block_device")
	not customer_managed_key(b, "kms_key_id")
	where := "root_block_device"
} | {where |
	some i, b in blocks(v, "ebs_block_device")
	not customer_managed_key(b, "kms_key_id")
	where := sprintf("ebs_block_device[%d]", [i])
}

# Resource types whose data a key protects, and the attribute that names the key.
cmk_attributes := {
	"aws_cloudwatch_log_group": "kms_key_id",
	"aws_secretsmanager_secret": "kms_key_id",
	"aws_ebs_volume": "kms_key_id",
	"aws_sns_topic": "kms_master_key_id",
}

# Key specs AWS cannot rotate automatically (asymmetric and HMAC keys).
non_rotatable_key(v) if {
	spec := object.get(v, "customer_master_key_spec", object.get(v, "key_spec", "SYMMETRIC_DEFAULT"))
	spec != "SYMMETRIC_DEFAULT"
}

web_acl_associations := object.union(resources("aws_wafv2_web_acl_association"), resources("aws_wafregional_web_acl_association"))

has_web_acl(addr, lb) if {
	some assoc in web_acl_associations
	refers_to(object.get(values(assoc), "resource_arn", null), addr, lb)
}

internet_facing(v) if not is_true(v, "internal")

# A KMS key's own policy: there Resource "*" means this key and nothing else (a key policy applies only to its key,
# and AWS requires "*" in it), so "on every resource" does not apply.
# (By type, not by the address's first word: a key in a module is "module.kms.aws_kms_key.this".)
key_policy_document(doc) if address_type(doc.address) == "aws_kms_key"
