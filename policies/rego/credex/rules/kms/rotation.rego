package credex.rules.kms

import data.credex.lib

# METADATA
# title: KMS keys rotate
# description: >-
#   Automatic rotation gives a symmetric key new key material every year (older material still decrypts), which
#   limits how much data one key version protects and is expected by every baseline (CIS, AWS FSBP KMS.4).
# scope: document
# custom:
#   id: CDX-KMS-002
#   severity: deny
#   remediation: Set enable_key_rotation = true on the aws_kms_key (asymmetric and HMAC keys cannot rotate and are not judged).
key_rotation contains finding if {
	some addr, r in lib.resources("aws_kms_key")
	v := lib.values(r)
	not lib.non_rotatable_key(v)
	not lib.is_true(v, "enable_key_rotation")
	finding := {"address": addr, "message": lib.rotation_problem(v)}
}
