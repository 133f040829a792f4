package credex.rules.sg

import data.credex.lib

# METADATA
# title: World-open ingress only on 80 and 443
# description: >-
#   Ingress whose CIDR sources, together with the other rules of the same security group on that port (and of the
#   groups attached with it to one instance, ENI, load balancer, service or function), cover the whole IPv4 or IPv6
#   space (0.0.0.0/0, ::/0, 0.0.0.0/1 + 128.0.0.0/1, a prefix list holding them, ...) exposes a port to the whole
#   internet; only the load balancer's HTTP and HTTPS ports are meant to be public. Protocols count by meaning
#   ("6" is tcp). One finding per exposure, where it is: at the rule that opens it alone, else at the group (or the
#   resource carrying the groups) naming the rules that add up; rules admitting only security groups, self or
#   private ranges are never blamed. A source the gate cannot see cannot be judged and is reported.
# scope: document
# custom:
#   id: CDX-SG-001
#   severity: deny
#   remediation: >-
#     Open the port to the security group of the client (e.g. the load balancer's) instead of a world CIDR,
#     or restrict it to 80/443.
world_open_ingress contains finding if {
	some rule in lib.ingress_rules
	not rule.all_traffic
	lib.alone_world(rule)
	count(lib.covered_sensitive(rule)) == 0
	rule.has_ports
	not lib.only_web_ports(rule)
	finding := {
		"address": rule.address,
		"message": sprintf("%s allows %s from the whole internet%s; only 80 and 443 may be world-open", [rule.where, lib.describe_ports(rule), lib.unresolved_note(rule)]),
	}
}

# Several rules that add up to the whole internet: one finding, where the exposure is, naming them.
world_open_ingress contains finding if {
	some e in lib.exposures
	not e.all_traffic
	e.has_ports
	count(lib.covered_sensitive(e)) == 0
	not lib.only_web_ports(e)
	finding := {
		"address": e.address,
		"message": sprintf("%s open %s to the whole internet: %s; only 80 and 443 may be world-open", [e.who, lib.describe_ports(e), e.openers]),
	}
}

# A source the gate cannot see could be the whole internet.
world_open_ingress contains finding if {
	some rule in lib.ingress_rules
	not rule.all_traffic
	count(rule.unjudged) > 0
	count(lib.covered_sensitive(rule)) == 0
	rule.has_ports
	not lib.only_web_ports(rule)
	finding := {"address": rule.address, "message": lib.unjudged_message(rule)}
}
