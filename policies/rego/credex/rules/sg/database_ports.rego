package credex.rules.sg

import data.credex.lib

# METADATA
# title: Database ports accept only security-group sources
# description: >-
#   Neo4j's Bolt, HTTP(S), cluster, backup and metrics ports must be reachable only from known security groups
#   (the ECS tasks, the cluster members via self); a CIDR source, even a private one or a reference to one,
#   admits every host in that network.
# scope: document
# custom:
#   id: CDX-SG-002
#   severity: deny
#   remediation: >-
#     Replace the CIDR source with the client's security group (source_security_group_id,
#     referenced_security_group_id or security_groups), or self for cluster traffic.
database_port_cidr contains finding if {
	some rule in lib.ingress_rules
	not rule.all_traffic
	rule.from == rule.to
	rule.from in lib.database_ports
	count(rule.cidrs) > 0
	finding := {
		"address": rule.address,
		"message": sprintf("%s opens database port %d to CIDR source(s) %s; only security-group references or self are allowed", [rule.where, rule.from, concat(", ", rule.cidrs)]),
	}
}
