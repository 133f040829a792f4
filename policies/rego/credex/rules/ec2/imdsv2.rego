package credex.rules.ec2

import data.credex.lib

# METADATA
# title: Instances require IMDSv2
# description: >-
#   IMDSv1 answers any request from the instance, so an SSRF in software on the host can read the
#   instance role's credentials; IMDSv2 requires a session token. Judged on everything that launches an
#   instance (aws_instance, aws_spot_instance_request, aws_launch_template, aws_launch_configuration): an instance
#   without metadata_options is judged by the launch template it is launched from, then by the region's
#   aws_ec2_instance_metadata_defaults; a setting that is an unresolved expression cannot be judged and is reported.
# scope: document
# custom:
#   id: CDX-EC2-001
#   severity: deny
#   context_types: [aws_ec2_instance_metadata_defaults]
#   remediation: Set metadata_options { http_tokens = "required" } on the instance or launch template.
imdsv2_required contains finding if {
	some type in lib.launching_types
	some addr, r in lib.resources(type)
	problem := lib.imdsv2_problem(r)
	finding := {"address": addr, "message": problem}
}
