package credex.rules.iam

import data.credex.lib

# METADATA
# title: No wildcard principals in trust and resource policies
# description: >-
#   Principal "*" (or {"AWS": "*"}), or Allow with NotPrincipal (everyone but the listed principals), lets any AWS
#   account assume the role or use the resource. In a trust policy no condition makes that acceptable; in a
#   resource policy (key, secret, bucket, topic, queue, repository: both carriers of each) only a condition that
#   narrows who may call does: a positive match on aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID,
#   aws:PrincipalAccount, aws:PrincipalArn, aws:SourceVpc(e) or kms:CallerAccount with a non-wildcard value. A
#   condition such as aws:SecureTransport, an ...IfExists or negated operator, or a wildcard value narrows nothing.
# scope: document
# custom:
#   id: CDX-IAM-005
#   severity: deny
#   remediation: >-
#     Name the trusted principals (account, role, service or the GitHub OIDC provider with sub/aud conditions), or
#     narrow a resource policy's "*" with aws:SourceAccount / aws:SourceArn / aws:PrincipalOrgID.
wildcard_principal contains finding if {
	some [doc, i, s] in lib.allow_statements
	some p in s.principals
	"*" in p.identifiers
	not lib.tolerated(doc, s)
	finding := {
		"address": doc.address,
		"message": sprintf("%s allows the wildcard principal %s \"*\"%s", [lib.describe_statement(doc, i, s), p.type, lib.condition_note(doc, s)]),
	}
}

# Allow with NotPrincipal grants everyone but the listed principals.
wildcard_principal contains finding if {
	some [doc, i, s] in lib.not_principal_allows
	not lib.tolerated(doc, s)
	ids := [id | some p in lib.statement_not_principals(s); some id in p.identifiers]
	finding := {
		"address": doc.address,
		"message": sprintf("%s allows every principal except %s (NotPrincipal)%s", [lib.describe_statement(doc, i, s), concat(", ", ids), lib.condition_note(doc, s)]),
	}
}
