package credex.rules.network

import data.credex.lib

# METADATA
# title: No public IPs on instances, subnets, network interfaces or ECS services
# description: >-
#   Only the load balancer faces the internet; tasks and Neo4j hosts live in private subnets and reach out
#   through NAT, so a public IP only widens the attack surface. Judged on instances, spot requests, launch
#   templates and launch configurations, subnets (a default subnet maps public IPs unless told not to), ECS services
#   and Elastic IPs; "true" is true, and a switch that is an unresolved expression cannot be judged and is reported.
# scope: document
# custom:
#   id: CDX-NET-001
#   severity: deny
#   remediation: >-
#     Set associate_public_ip_address = false, map_public_ip_on_launch = false and
#     network_configuration.assign_public_ip = false, attach Elastic IPs only to NAT gateways; place the
#     resource in a private subnet.
public_ip contains finding if {
	some type, key in lib.public_ip_switches
	some addr, r in lib.resources(type)
	some message in lib.public_ip_problems(lib.values(r), key)
	finding := {"address": addr, "message": message}
}

# A default subnet maps public IPs on launch unless told otherwise: AWS creates default subnets that way.
public_ip contains finding if {
	some addr, r in lib.resources("aws_default_subnet")
	message := lib.default_subnet_problem(lib.values(r))
	finding := {"address": addr, "message": message}
}

public_ip contains finding if {
	some addr, r in lib.resources("aws_ecs_service")
	some b in lib.blocks(lib.values(r), "network_configuration")
	some message in lib.public_ip_problems(b, "assign_public_ip")
	finding := {"address": addr, "message": sprintf("network_configuration.%s", [message])}
}

public_ip contains finding if {
	some addr, r in lib.resources("aws_launch_template")
	some i, b in lib.blocks(lib.values(r), "network_interfaces")
	some message in lib.public_ip_problems(b, "associate_public_ip_address")
	finding := {"address": addr, "message": sprintf("network_interfaces[%d].%s", [i, message])}
}

public_ip contains finding if {
	some addr, r in lib.resources("aws_eip")
	some key in ["instance", "network_interface"]
	v := object.get(lib.values(r), key, null)
	is_string(v)
	v != ""
	finding := {"address": addr, "message": sprintf("the Elastic IP is attached to an instance or network interface (%s)", [key])}
}

public_ip contains finding if {
	some addr, _ in lib.resources("aws_eip_association")
	finding := {"address": addr, "message": "an Elastic IP association gives an instance or network interface a public IP"}
}
