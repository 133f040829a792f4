package credex.rules.secrets

import data.credex.lib

# METADATA
# title: No credential-shaped values
# description: >-
#   A value shaped like a credential (an AWS access key, a private key, a JSON web token, a GitHub, Slack, Stripe or
#   Google token, or a high-entropy token) in a container or Lambda environment, user data, a secret string or an
#   SSM parameter is a leaked secret whatever its key is called: it ends up in the synthesized JSON, the state and
#   the git history. High-entropy means 20+ characters mixing lower case, upper case and digits at 4.0+ bits per
#   character; hex digests, ARNs and words do not qualify.
# scope: document
# custom:
#   id: CDX-SEC-004
#   severity: deny
#   remediation: >-
#     Remove the value, rotate the credential, and pass it by reference (a Secrets Manager secret read through
#     valueFrom or at boot). A value that only looks random (a base64 blob that is not a secret) is waived with
#     waive(resource, { rule: 'CDX-SEC-004', reason }) next to its construct.
credential_value contains finding if {
	some [addr, where, text] in lib.secret_carriers
	kinds := lib.credential_kinds(text)
	count(kinds) > 0
	finding := {
		"address": addr,
		"message": sprintf("%s holds a value shaped like %s", [where, concat(" and ", sort(kinds))]),
	}
}
