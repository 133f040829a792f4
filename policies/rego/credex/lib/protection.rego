# Helpers of the data-protection rules: secret rotation, customer-managed keys, WAF on load balancers
# (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

# A secret that an aws_secretsmanager_secret_rotation names (by reference, or by id/ARN in a plan).
secret_rotated(addr, secret) if {
	some rotation in resources("aws_secretsmanager_secret_rotation")
	refers_to(object.get(values(rotation), "secret_id", null), addr, secret)
}

# What a key attribute names: "customer" (a customer-managed key: a key or alias resource of this configuration, a
# key id/ARN/alias that is not AWS's own, a data source that looks up such a key), "aws" (an AWS-managed key: an
# alias/aws/... name, or a data.aws_kms_key / data.aws_kms_alias lookup that finds one), "unset" (no key: the service
# uses its AWS-managed key) or "unresolved" (an expression the gate cannot see: a variable, a local, a module output,
# a function call, a data source not in the input).
key_state(key) := "unset" if {
	key in {null, "", after_apply}
} else := "aws" if {
	aws_key_value(key)
} else := "customer" if {
	customer_key_value(key)
} else := "unresolved"

aws_managed_key(key) if startswith(key, "alias/aws/")

aws_managed_key(key) if contains(key, ":alias/aws/")

aws_key_value(key) if {
	is_string(key)
	not is_ref(key)
	aws_managed_key(key)
}

# A resolved id or ARN (a plan) that an AWS-managed lookup found.
aws_key_value(key) if {
	is_string(key)
	not is_ref(key)
	some addr, d in kms_lookups
	named_by(addr, d, {key})
	aws_managed_lookup(d)
}

aws_key_value(key) if {
	is_ref(key)
	some ref in interpolations(key)
	aws_managed_lookup(input.resources[kms_lookup_address(ref)])
}

customer_key_value(key) if {
	is_string(key)
	not is_ref(key)
	key != ""
}

customer_key_value(key) if {
	is_ref(key)
	key != after_apply
	every ref in interpolations(key) {
		customer_key_reference(ref)
	}
}

customer_key_reference(ref) if regex.match(kms_resource_reference, ref)

customer_key_reference(ref) if customer_lookup(input.resources[kms_lookup_address(ref)])

# A reference to a key of this configuration: aws_kms_key.env.arn, module.k.aws_kms_alias.a.arn.
kms_resource_reference := `^(module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.)*(aws_kms_key|aws_kms_replica_key|aws_kms_external_key|aws_kms_replica_external_key|aws_kms_alias)\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.(arn|id|key_id|target_key_arn|target_key_id)$`

# The address of the data.aws_kms_key / data.aws_kms_alias a reference reads.
kms_lookup_address(ref) := m[0][1] if {
	contains(ref, "data.aws_kms_") # (cheap test first: most references name a key resource)
	m := regex.find_all_string_submatch_n(`^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*data\.aws_kms_(?:key|alias)\.[A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.[A-Za-z0-9_]+$`, ref, 1)
	count(m) == 1
}

kms_lookups := object.union(data_sources("aws_kms_key"), data_sources("aws_kms_alias"))

# A lookup that finds an AWS-managed key: by its alias/aws/... name or id (config), or as the plan read it
# (key_manager AWS, or an alias/aws/... name).
aws_managed_lookup(d) if object.get(values(d), "key_manager", "") == "AWS"

aws_managed_lookup(d) if {
	some k in ["key_id", "name", "arn", "id"]
	v := object.get(values(d), k, "")
	is_string(v)
	aws_managed_key(v)
}

customer_lookup(d) if object.get(values(d), "key_manager", "") == "CUSTOMER"

customer_lookup(d) if {
	not aws_managed_lookup(d)
	some k in ["key_id", "name"]
	v := object.get(values(d), k, "")
	is_string(v)
	v != ""
	lookup_names_customer_key(v)
}

lookup_names_customer_key(v) if not is_ref(v)

lookup_names_customer_key(v) if {
	is_ref(v)
	every ref in interpolations(v) {
		regex.match(kms_resource_reference, ref)
	}
}

# The message for a key attribute that does not name a customer-managed key, or is undefined when it does.
key_problem(attr, key) := sprintf("%s names no customer-managed key: the data is under an AWS-managed key", [attr]) if {
	key_state(key) in {"unset", "aws"}
}

key_problem(attr, key) := sprintf("%s is the unresolved expression %s: whether it names a customer-managed key cannot be judged; reference the environment key (aws_kms_key) or a data.aws_kms_key in the same configuration", [attr, key]) if {
	key_state(key) == "unresolved"
}

# EBS encryption by default with a customer-managed key, in the resource's region, covers volumes that name none.
default_ebs_cmk(r) if {
	some d in resources("aws_ebs_default_kms_key")
	key_state(object.get(values(d), "key_arn", null)) == "customer"
	same_region(d, r)
}

covered_by_default_key("aws_ebs_volume", r) if default_ebs_cmk(r)

# Where an instance's (or launch template's, launch configuration's) volumes lack a customer-managed key, with why.
instance_volume_key_problems(v) := {[where, problem] |
	some key in ["root_block_device", "ebs_block_device"]
	some i, b in blocks(v, key)
	where := volume_where(key, i)
	problem := key_problem(sprintf("%s kms_key_id", [where]), object.get(b, "kms_key_id", null))
} | {[where, problem] |
	some i, m in blocks(v, "block_device_mappings")
	some ebs in blocks(m, "ebs")
	where := sprintf("block_device_mappings[%d].ebs", [i])
	problem := key_problem(sprintf("%s kms_key_id", [where]), object.get(ebs, "kms_key_id", null))
}

volume_where("root_block_device", _) := "root_block_device"

volume_where(key, i) := sprintf("%s[%d]", [key, i]) if key != "root_block_device"

# Resource types whose data a key protects, and the attribute that names the key.
cmk_attributes := {
	"aws_cloudwatch_log_group": "kms_key_id",
	"aws_secretsmanager_secret": "kms_key_id",
	"aws_ebs_volume": "kms_key_id",
	"aws_sns_topic": "kms_master_key_id",
}

# Key specs AWS cannot rotate automatically (asymmetric and HMAC keys); a spec that is an expression could be
# SYMMETRIC_DEFAULT and does not excuse the key.
non_rotatable_key(v) if {
	spec := object.get(v, "customer_master_key_spec", object.get(v, "key_spec", "SYMMETRIC_DEFAULT"))
	is_string(spec)
	not is_ref(spec)
	spec != "SYMMETRIC_DEFAULT"
}

rotation_problem(v) := switch_unresolved_note(v, "enable_key_rotation") if {
	switch_state(v, "enable_key_rotation") == "unresolved"
} else := "enable_key_rotation is not true: the key material never changes"

web_acl_associations := object.union(resources("aws_wafv2_web_acl_association"), resources("aws_wafregional_web_acl_association"))

has_web_acl(addr, lb) if {
	some assoc in web_acl_associations
	refers_to(object.get(values(assoc), "resource_arn", null), addr, lb)
}

internet_facing(v) if not is_true(v, "internal")

# A resource policy (a key, secret, bucket, topic, queue or repository policy) applies only to its own resource:
# there Resource "*" means this resource and nothing else (a key policy requires "*"), so "on every resource" does
# not apply.
resource_policy_document(doc) if doc.kind == "resource"
