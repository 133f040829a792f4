package credex.rules.iam

import data.credex.lib

# METADATA
# title: No Allow with NotAction
# description: >-
#   Allow with NotAction grants everything except the listed actions, including actions AWS adds later.
# scope: document
# custom:
#   id: CDX-IAM-002
#   severity: deny
#   remediation: Replace NotAction with an explicit Action list (NotAction is acceptable only with Deny).
allow_not_action contains finding if {
	some [doc, i, s] in lib.allow_statements
	count(s.not_actions) > 0
	finding := {
		"address": doc.address,
		"message": sprintf("%s uses Allow with NotAction", [lib.describe_statement(doc, i, s)]),
	}
}
