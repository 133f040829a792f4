package credex.rules.sg

import data.credex.lib

# METADATA
# title: World-open ingress only on 80 and 443
# description: >-
#   Ingress whose CIDR sources, together with the other rules of the same security group on that port (and of the
#   groups attached with it to one instance, ENI, load balancer, service or function), cover the whole IPv4 or IPv6
#   space (0.0.0.0/0, ::/0, 0.0.0.0/1 + 128.0.0.0/1, a prefix list holding them, ...) exposes a port to the whole
#   internet; only the load balancer's HTTP and HTTPS ports are meant to be public.
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
	lib.world_open(rule)
	count(lib.covered_sensitive(rule)) == 0
	rule.has_ports
	not lib.only_web_ports(rule)
	finding := {
		"address": rule.address,
		"message": sprintf("%s allows %s from the whole internet%s; only 80 and 443 may be world-open", [rule.where, lib.describe_ports(rule), lib.unresolved_note(rule)]),
	}
}
