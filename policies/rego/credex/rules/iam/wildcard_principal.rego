package credex.rules.iam

import data.credex.lib

# METADATA
# title: No wildcard principals in trust and resource policies
# description: >-
#   Principal "*" (or {"AWS": "*"}) lets any AWS account assume the role or use the resource. In a trust
#   policy no condition makes that acceptable; in a resource policy only a condition can narrow it.
# scope: document
# custom:
#   id: CDX-IAM-005
#   severity: deny
#   remediation: >-
#     Name the trusted principals (account, role, service or the GitHub OIDC provider with sub/aud conditions).
wildcard_principal contains finding if {
	some [doc, i, s] in lib.allow_statements
	some grant in {g | g := lib.wildcard_grant(s)}
	not lib.tolerated(doc, s)
	finding := {
		"address": doc.address,
		"message": sprintf("%s allows %s%s", [lib.describe_statement(doc, i, s), grant, lib.condition_note(doc, s)]),
	}
}
