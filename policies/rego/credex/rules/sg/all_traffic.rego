package credex.rules.sg

import data.credex.lib

# METADATA
# title: No all-traffic ingress
# description: >-
#   An ingress rule for all protocols or all ports opens every service on the instance, including the
#   database and admin ports, to its source.
# scope: document
# custom:
#   id: CDX-SG-003
#   severity: deny
#   remediation: >-
#     Allow only the protocol and port the client needs; all-traffic ingress is tolerated only from the
#     security group itself (self).
all_traffic_ingress contains finding if {
	some rule in lib.ingress_rules
	rule.all_traffic
	not lib.self_only(rule)
	finding := {
		"address": rule.address,
		"message": sprintf("%s allows all traffic%s from %s", [rule.where, lib.unresolved_note(rule), lib.describe_sources(rule)]),
	}
}
