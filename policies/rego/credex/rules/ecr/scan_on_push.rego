package credex.rules.ecr

import data.credex.lib

# METADATA
# title: ECR repositories scan images on push
# description: Images with known vulnerabilities should be flagged the moment they are pushed, before a deploy.
# scope: document
# custom:
#   id: CDX-ECR-001
#   severity: deny
#   remediation: >-
#     Set image_scanning_configuration { scan_on_push = true } (or configure registry-wide scanning with
#     aws_ecr_registry_scanning_configuration).
scan_on_push contains finding if {
	not registry_scanning
	some addr, r in lib.resources("aws_ecr_repository")
	not scans(lib.values(r))
	finding := {"address": addr, "message": "image_scanning_configuration.scan_on_push is not true"}
}

scans(v) if {
	some b in lib.blocks(v, "image_scanning_configuration")
	lib.is_true(b, "scan_on_push")
}

registry_scanning if {
	some r in lib.resources("aws_ecr_registry_scanning_configuration")
	count(lib.blocks(lib.values(r), "rule")) > 0
}
