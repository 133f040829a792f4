package credex.rules.ec2

import data.credex.lib

# METADATA
# title: Root and EBS volumes are encrypted
# description: >-
#   Unencrypted volumes and their snapshots expose the Neo4j data to anyone who can copy or share a snapshot.
# scope: document
# custom:
#   id: CDX-EC2-002
#   severity: deny
#   remediation: >-
#     Set encrypted = true on aws_ebs_volume, root_block_device and ebs_block_device (or enable
#     aws_ebs_encryption_by_default in the stack).
volume_encryption contains finding if {
	not lib.encryption_by_default
	some addr, r in lib.resources("aws_ebs_volume")
	not lib.is_true(lib.values(r), "encrypted")
	finding := {"address": addr, "message": "the EBS volume is not encrypted"}
}

volume_encryption contains finding if {
	not lib.encryption_by_default
	some addr, r in lib.resources("aws_instance")
	v := lib.values(r)
	some where in lib.unencrypted_instance_volumes(v)
	finding := {"address": addr, "message": sprintf("%s is not encrypted", [where])}
}

volume_encryption contains finding if {
	not lib.encryption_by_default
	some addr, r in lib.resources("aws_launch_template")
	some i, m in lib.blocks(lib.values(r), "block_device_mappings")
	some ebs in lib.blocks(m, "ebs")
	not lib.is_true(ebs, "encrypted")
	finding := {"address": addr, "message": sprintf("block_device_mappings[%d].ebs is not encrypted", [i])}
}
