package credex.rules.logs

import data.credex.lib

# METADATA
# title: Log groups have a retention period
# description: >-
#   Without retention_in_days CloudWatch keeps logs forever: costs grow without bound and personal data in
#   logs is never deleted. A retention that is an unresolved expression (it could be 0, never expire) cannot be
#   judged and is reported.
# scope: document
# custom:
#   id: CDX-LOG-001
#   severity: deny
#   remediation: Set retention_in_days on every aws_cloudwatch_log_group (from the environment's config).
log_retention contains finding if {
	some addr, r in lib.resources("aws_cloudwatch_log_group")
	problem := lib.retention_problem(lib.values(r))
	finding := {"address": addr, "message": problem}
}
