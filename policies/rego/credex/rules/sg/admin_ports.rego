package credex.rules.sg

import data.credex.lib

# METADATA
# title: No SSH or RDP from anywhere
# description: >-
#   SSH (22) and RDP (3389) open to the internet are scanned and brute-forced within minutes; hosts are
#   reached through SSM Session Manager instead.
# scope: document
# custom:
#   id: CDX-SG-005
#   severity: deny
#   remediation: >-
#     Remove the rule and use SSM Session Manager (or a bastion security group as the source).
admin_port_world_open contains finding if {
	some rule in lib.ingress_rules
	not rule.all_traffic
	rule.from == rule.to
	rule.from in lib.admin_ports
	lib.world_open(rule)
	finding := {
		"address": rule.address,
		"message": sprintf("%s allows port %d from the whole internet", [rule.where, rule.from]),
	}
}
