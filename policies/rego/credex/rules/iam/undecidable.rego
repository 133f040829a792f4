package credex.rules.iam

import data.credex.lib

# METADATA
# title: Policy documents the gate cannot read
# description: >-
#   A policy that is an expression the gate cannot evaluate (or invalid JSON, or a reference to a document
#   that is not in the input) is not judged by the IAM rules, so it is reported instead of passing silently.
# scope: document
# custom:
#   id: CDX-IAM-007
#   severity: warn
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
