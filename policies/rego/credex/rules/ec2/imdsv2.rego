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
	r.type in {"aws_instance", "aws_launch_template"}
	not imdsv2(lib.values(r))
	finding := {
		"address": addr,
		"message": sprintf("%s does not require IMDSv2 (metadata_options.http_tokens is not \"required\")", [r.type]),
	}
}

imdsv2(v) if {
	some b in lib.blocks(v, "metadata_options")
	b.http_tokens == "required"
}

imdsv2(v) if {
	some b in lib.blocks(v, "metadata_options")
	b.http_endpoint == "disabled"
}
