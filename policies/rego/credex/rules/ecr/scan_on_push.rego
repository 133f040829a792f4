package credex.rules.ecr

import data.credex.lib

# METADATA
# title: ECR repositories scan images on push
# description: >-
#   Images with known vulnerabilities should be flagged the moment they are pushed, before a deploy. A registry
#   scanning configuration (per region) takes over from the repositories' own scan_on_push: then a repository is
#   scanned only when a scan-on-push or continuous rule has a filter matching its name.
# scope: document
# custom:
#   id: CDX-ECR-001
#   severity: deny
#   context_types: [aws_ecr_registry_scanning_configuration]
#   remediation: >-
#     Set image_scanning_configuration { scan_on_push = true }, or, where an aws_ecr_registry_scanning_configuration
#     exists in the region, give it a SCAN_ON_PUSH or CONTINUOUS_SCAN rule whose filter matches the repository.
scan_on_push contains finding if {
	some addr, r in lib.resources("aws_ecr_repository")
	problem := lib.scan_problem(r)
	finding := {"address": addr, "message": problem}
}
