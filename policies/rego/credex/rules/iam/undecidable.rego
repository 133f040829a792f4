package credex.rules.iam

import data.credex.lib

# METADATA
# title: Policy documents the gate cannot read
# description: >-
#   A policy the gate cannot read is not judged by the IAM rules, so it fails the gate instead of passing
#   silently: an expression standing for the document (jsonencode(local.policy)), invalid JSON, a reference to a
#   document that is not in the input, a Statement that is an expression or a for list, a statement whose Effect,
#   Action or Principal is an expression, a Resource that is a variable or local, or an aws_iam_policy_document that
#   takes statements from dynamic blocks or other documents.
# scope: document
# custom:
#   id: CDX-IAM-007
#   severity: deny
#   remediation: >-
#     Build the document with an aws_iam_policy_document data source (or a JSON string / Fn.jsonencode of
#     plain objects) so that its statements can be judged.
undecidable_policy contains finding if {
	some [addr, attribute, reason] in lib.undecidable_documents
	finding := {
		"address": addr,
		"message": sprintf("%s could not be judged: %s", [attribute, reason]),
	}
}
