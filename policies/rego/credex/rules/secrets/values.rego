package credex.rules.secrets

import data.credex.lib

# METADATA
# title: No credential-shaped values
# description: >-
#   A value shaped like a credential (an AWS access key, a private key, a JSON web token, a GitHub, Slack, Stripe or
#   Google token, or a high-entropy token) in a container or Lambda environment, user data, a secret string or an
#   SSM parameter is a leaked secret whatever its key is called: it ends up in the synthesized JSON, the state and
#   the git history. Known formats include URIs with a password (scheme://user:password@host) and NEO4J_AUTH
#   user/password. High-entropy means 20+ characters mixing lower case, upper case and digits at 4.0+ bits per
#   character; hex digests, ARNs and words do not qualify, and a base64 token of text (user_data_base64, a launch
#   template's user_data) is judged by the text it decodes to. Compressed user data cannot be read and is reported.
# scope: document
# custom:
#   id: CDX-SEC-004
#   severity: deny
#   remediation: >-
#     Remove the value, rotate the credential, and pass it by reference (a Secrets Manager secret read through
#     valueFrom or at boot). A value that only looks random (a base64 blob that is not a secret) is waived with
#     waive(resource, { rule: 'CDX-SEC-004', reason }) next to its construct.
credential_value contains finding if {
	some [addr, where, name, text] in lib.secret_carriers
	kinds := lib.credential_kinds(text) | lib.named_credential_kinds(name, text)
	count(kinds) > 0
	finding := {
		"address": addr,
		"message": sprintf("%s holds a value shaped like %s", [where, concat(" and ", sort(kinds))]),
	}
}

# Compressed user data cannot be read: it could hold anything.
credential_value contains finding if {
	some [addr, key] in lib.unreadable_user_data
	finding := {
		"address": addr,
		"message": sprintf("%s is gzip-compressed: whether it holds a credential cannot be judged; pass it uncompressed (base64 of the script) so it can be read", [key]),
	}
}
