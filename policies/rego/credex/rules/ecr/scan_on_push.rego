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
	not lib.registry_scanning
	some addr, r in lib.resources("aws_ecr_repository")
	not lib.scans(lib.values(r))
	finding := {"address": addr, "message": "image_scanning_configuration.scan_on_push is not true"}
}
