package credex.rules.network

import data.credex.lib

# METADATA
# title: No public IPs on instances, subnets, network interfaces or ECS services
# description: >-
#   Only the load balancer faces the internet; tasks and Neo4j hosts live in private subnets and reach out
#   through NAT, so a public IP only widens the attack surface.
# scope: document
# custom:
#   id: CDX-NET-001
#   severity: deny
#   remediation: >-
#     Set associate_public_ip_address = false, map_public_ip_on_launch = false and
#     network_configuration.assign_public_ip = false, attach Elastic IPs only to NAT gateways; place the
#     resource in a private subnet.
public_ip contains finding if {
	some addr, r in lib.resources("aws_instance")
	lib.is_true(lib.values(r), "associate_public_ip_address")
	finding := {"address": addr, "message": "associate_public_ip_address is true"}
}

public_ip contains finding if {
	some addr, r in lib.resources("aws_subnet")
	lib.is_true(lib.values(r), "map_public_ip_on_launch")
	finding := {"address": addr, "message": "map_public_ip_on_launch is true: every instance launched here gets a public IP"}
}

public_ip contains finding if {
	some addr, r in lib.resources("aws_ecs_service")
	some b in lib.blocks(lib.values(r), "network_configuration")
	lib.is_true(b, "assign_public_ip")
	finding := {"address": addr, "message": "network_configuration.assign_public_ip is true"}
}

public_ip contains finding if {
	some addr, r in lib.resources("aws_launch_template")
	some i, b in lib.blocks(lib.values(r), "network_interfaces")
	lib.is_true(b, "associate_public_ip_address")
	finding := {"address": addr, "message": sprintf("network_interfaces[%d].associate_public_ip_address is true", [i])}
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
