package credex.rules.iam

import data.credex.lib

# METADATA
# title: No Allow of "*" or "service:*" actions
# description: >-
#   A wildcard action grants every current and future action of a service (or of AWS), including the
#   destructive and privilege-escalating ones.
# scope: document
# custom:
#   id: CDX-IAM-001
#   severity: deny
#   remediation: List the exact actions the principal needs.
wildcard_action contains finding if {
	some [doc, i, s] in lib.allow_statements
	wild := [a | some a in s.actions; lib.wildcard_action(a)]
	count(wild) > 0
	finding := {
		"address": doc.address,
		"message": sprintf("%s allows wildcard action(s) %s", [lib.describe_statement(doc, i, s), concat(", ", wild)]),
	}
}
