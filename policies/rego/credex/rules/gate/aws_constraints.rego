package credex.rules.gate

import data.credex.terraform

# METADATA
# title: Values meet the patterns the AWS provider checks at plan time
# description: >-
#   The AWS provider validates some attributes by pattern and length before any call to AWS (the DLM lifecycle
#   policy's description, load balancer and target group names, log group and EventBridge rule names): a value
#   outside them fails terraform validate and plan. Judged on literal values, at synth, with the provider's own
#   patterns.
# scope: document
# custom:
#   id: CDX-GATE-011
#   severity: deny
#   remediation: Change the value to fit the pattern named in the finding (for names, in contracts/naming.ts).
aws_constraint contains finding if {
	some [addr, attribute, value, rule] in terraform.constraint_violations
	finding := {"address": addr, "message": sprintf("%s \"%s\" is not what the AWS provider accepts (%s)", [attribute, value, rule])}
}
