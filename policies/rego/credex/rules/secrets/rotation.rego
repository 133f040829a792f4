package credex.rules.secrets

import data.credex.lib

# METADATA
# title: Production secrets rotate
# description: >-
#   A secret that never changes stays valid for as long as anyone who ever read it (a leaked log, a former
#   colleague, a copied .env) keeps it. In production every secret has an aws_secretsmanager_secret_rotation;
#   a secret no function can rotate (values issued by third parties) carries a reasoned waiver, and its age is
#   watched instead (verify's secret-age step).
# scope: document
# custom:
#   id: CDX-SEC-003
#   severity: deny
#   remediation: >-
#     Add an aws_secretsmanager_secret_rotation with a rotation function and a schedule (rotation_rules), or, for a
#     value no function can rotate, waive(secret, { rule: 'CDX-SEC-003', reason: '...' }) next to it and keep its
#     maximum age in config.
rotation contains finding if {
	lib.environment == "production"
	some addr, r in lib.resources("aws_secretsmanager_secret")
	not lib.secret_rotated(addr, r)
	finding := {"address": addr, "message": "the production secret has no aws_secretsmanager_secret_rotation: its value never changes"}
}
