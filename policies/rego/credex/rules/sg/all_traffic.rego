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
		"message": sprintf("%s allows all traffic%s from %s", [rule.where, lib.unresolved_note(rule), describe_sources(rule)]),
	}
}

describe_sources(rule) := "the whole internet" if lib.world_open(rule)

describe_sources(rule) := sprintf("CIDR source(s) %s", [concat(", ", rule.cidrs)]) if {
	not lib.world_open(rule)
	count(rule.cidrs) > 0
}

describe_sources(rule) := "security-group or prefix-list sources" if {
	count(rule.cidrs) == 0
}
