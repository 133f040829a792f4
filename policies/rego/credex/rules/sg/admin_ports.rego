package credex.rules.sg

import data.credex.lib

# METADATA
# title: No SSH or RDP from anywhere
# description: >-
#   SSH (22) and RDP (3389) open to the internet are scanned and brute-forced within minutes; hosts are
#   reached through SSM Session Manager instead. Reported at the rule that opens the port to the whole internet,
#   or once for the rules that add up to it (at their group, or at the resource that carries their groups),
#   naming them; rules admitting only security groups, self or private ranges are never blamed. A source the gate
#   cannot see (a local, variable, module output, function call, prefix list not in the input) cannot be judged
#   and is reported.
# scope: document
# custom:
#   id: CDX-SG-005
#   severity: deny
#   remediation: >-
#     Remove the rule and use SSM Session Manager (or a bastion security group as the source); write CIDR sources
#     literally so that they can be judged.
admin_port_world_open contains finding if {
	some rule in lib.ingress_rules
	not rule.all_traffic
	rule.from == rule.to
	rule.from in lib.admin_ports
	lib.alone_world(rule)
	finding := {
		"address": rule.address,
		"message": sprintf("%s allows port %d from the whole internet", [rule.where, rule.from]),
	}
}

# Several rules that add up to the whole internet on the port: one finding, where the exposure is, naming them.
admin_port_world_open contains finding if {
	some e in lib.exposures
	e.from == e.to
	e.from in lib.admin_ports
	finding := {
		"address": e.address,
		"message": sprintf("%s open port %d to the whole internet: %s", [e.who, e.from, e.openers]),
	}
}

# A source the gate cannot see on the port could be the whole internet.
admin_port_world_open contains finding if {
	some rule in lib.ingress_rules
	not rule.all_traffic
	rule.from == rule.to
	rule.from in lib.admin_ports
	count(rule.unjudged) > 0
	finding := {"address": rule.address, "message": lib.unjudged_message(rule)}
}
