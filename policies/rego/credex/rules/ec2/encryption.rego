package credex.rules.ec2

import data.credex.lib

# METADATA
# title: Root and EBS volumes are encrypted
# description: >-
#   Unencrypted volumes and their snapshots expose the Neo4j data to anyone who can copy or share a snapshot.
#   Judged on aws_ebs_volume and on every volume an instance, spot request, launch template or launch configuration
#   launches; EBS encryption by default counts only in its provider's region, and an "encrypted" that is an
#   unresolved expression cannot be judged and is reported.
# scope: document
# custom:
#   id: CDX-EC2-002
#   severity: deny
#   context_types: [aws_ebs_encryption_by_default]
#   remediation: >-
#     Set encrypted = true on aws_ebs_volume, root_block_device and ebs_block_device (or enable
#     aws_ebs_encryption_by_default in the stack).
volume_encryption contains finding if {
	some addr, r in lib.resources("aws_ebs_volume")
	not lib.encrypted_by_default(r)
	problem := lib.encryption_problem("the EBS volume", lib.values(r))
	finding := {"address": addr, "message": problem}
}

volume_encryption contains finding if {
	some type in ["aws_instance", "aws_spot_instance_request", "aws_launch_configuration"]
	some addr, r in lib.resources(type)
	not lib.encrypted_by_default(r)
	some problem in lib.unencrypted_instance_volumes(lib.values(r))
	finding := {"address": addr, "message": problem}
}

volume_encryption contains finding if {
	some addr, r in lib.resources("aws_launch_template")
	not lib.encrypted_by_default(r)
	some i, m in lib.blocks(lib.values(r), "block_device_mappings")
	some ebs in lib.blocks(m, "ebs")
	problem := lib.encryption_problem(sprintf("block_device_mappings[%d].ebs", [i]), ebs)
	finding := {"address": addr, "message": problem}
}
