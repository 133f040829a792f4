package credex.rules.ecr

import data.credex.lib

# METADATA
# title: ECR tags are immutable
# description: >-
#   With mutable tags, the image a task definition names can be replaced after review; a deploy by tag
#   then runs code nobody checked.
# scope: document
# custom:
#   id: CDX-ECR-002
#   severity: deny
#   remediation: Set image_tag_mutability = "IMMUTABLE" and tag images with the commit SHA.
immutable_tags contains finding if {
	some addr, r in lib.resources("aws_ecr_repository")
	mutability := object.get(lib.values(r), "image_tag_mutability", "MUTABLE")
	not startswith(mutability, "IMMUTABLE")
	finding := {"address": addr, "message": lib.mutability_problem(mutability)}
}
