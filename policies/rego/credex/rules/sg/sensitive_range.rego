package credex.rules.sg

import data.credex.lib

# METADATA
# title: Port ranges must not cover a sensitive port
# description: >-
#   A port range (from_port below to_port) that spans a database or admin port opens it silently, whatever
#   the range was meant for.
# scope: document
# custom:
#   id: CDX-SG-004
#   severity: deny
#   remediation: >-
#     Open single ports, or split the range so that it excludes 22, 3389 and the Neo4j ports
#     (7687, 7474, 7473, 5000, 6000, 7000, 7688, 6362, 2004, 3637).
sensitive_port_range contains finding if {
	some rule in lib.ingress_rules
	not rule.all_traffic
	rule.from < rule.to
	not lib.self_only(rule)
	covered := lib.covered_sensitive(rule)
	count(covered) > 0
	finding := {
		"address": rule.address,
		"message": sprintf("%s allows %s, a range that covers sensitive port(s) %v", [rule.where, lib.describe_ports(rule), covered]),
	}
}
