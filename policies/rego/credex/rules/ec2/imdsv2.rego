package credex.rules.ec2

import data.credex.lib

# METADATA
# title: Instances require IMDSv2
# description: >-
#   IMDSv1 answers any request from the instance, so an SSRF in software on the host can read the
#   instance role's credentials; IMDSv2 requires a session token.
# scope: document
# custom:
#   id: CDX-EC2-001
#   severity: deny
#   remediation: Set metadata_options { http_tokens = "required" } on the instance or launch template.
imdsv2_required contains finding if {
	some addr, r in input.resources
	r.mode != "data"
	r.type in {"aws_instance", "aws_launch_template"}
	not lib.imdsv2(lib.values(r))
	finding := {
		"address": addr,
		"message": sprintf("%s does not require IMDSv2 (metadata_options.http_tokens is not \"required\")", [r.type]),
	}
}
