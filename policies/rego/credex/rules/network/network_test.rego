package credex.rules.network_test

import data.credex.rules.network

one(type, values) := {"resources": {sprintf("%s.x", [type]): {"type": type, "name": "x", "mode": "managed", "values": values}}}

test_public_ip_01_denied if {
	count(network.public_ip) == 1 with input as one("aws_instance", {"associate_public_ip_address": true})
	count(network.public_ip) == 1 with input as one("aws_subnet", {"map_public_ip_on_launch": true})
	count(network.public_ip) == 1 with input as one("aws_ecs_service", {"network_configuration": {"assign_public_ip": true}})
	count(network.public_ip) == 1 with input as one("aws_launch_template", {"network_interfaces": [{"associate_public_ip_address": "true"}]})
	count(network.public_ip) == 1 with input as one("aws_eip", {"domain": "vpc", "network_interface": "${aws_network_interface.neo4j.id}"})
	count(network.public_ip) == 1 with input as one("aws_eip_association", {"allocation_id": "eipalloc-1", "instance_id": "i-1"})
}

test_public_ip_02_ok if {
	count(network.public_ip) == 0 with input as one("aws_instance", {"associate_public_ip_address": false})
	count(network.public_ip) == 0 with input as one("aws_subnet", {"map_public_ip_on_launch": false})
	count(network.public_ip) == 0 with input as one("aws_ecs_service", {"network_configuration": [{"assign_public_ip": false}]})
	count(network.public_ip) == 0 with input as one("aws_eip", {"domain": "vpc"})
}

vpc := {"type": "aws_vpc", "name": "main", "mode": "managed", "values": {"cidr_block": "10.0.0.0/16"}}

test_flow_logs_01_missing_denied if {
	count(network.vpc_flow_logs) == 1 with input as {"resources": {"aws_vpc.main": vpc}}
	count(network.vpc_flow_logs) == 1 with input as {"resources": {"aws_vpc.main": vpc, "aws_flow_log.f": {"type": "aws_flow_log", "name": "f", "mode": "managed", "values": {"vpc_id": "${aws_vpc.other.id}"}}}}
}

test_flow_logs_02_present_ok if {
	count(network.vpc_flow_logs) == 0 with input as {"resources": {"aws_vpc.main": vpc, "aws_flow_log.f": {"type": "aws_flow_log", "name": "f", "mode": "managed", "values": {"vpc_id": "${aws_vpc.main.id}"}}}}
}

# In a plan the reference is resolved: the flow log names the VPC's id.
test_flow_logs_03_plan_ids_ok if {
	planned := object.union(vpc, {"values": {"id": "vpc-123"}})
	count(network.vpc_flow_logs) == 0 with input as {"resources": {"aws_vpc.main": planned, "aws_flow_log.f": {"type": "aws_flow_log", "name": "f", "mode": "managed", "values": {"vpc_id": "vpc-123"}}}}
}

test_flow_logs_04_unknown_vpc_id_said if {
	some f in network.vpc_flow_logs with input as {"resources": {"aws_vpc.main": vpc, "aws_flow_log.f": {"type": "aws_flow_log", "name": "f", "mode": "managed", "values": {"vpc_id": "${(known after apply)}"}}}}
	contains(f.message, "could not decide for aws_flow_log.f")
}

# Spellings of the same exposure: the older and spot carriers, a default subnet (public unless told otherwise),
# booleans as strings, and switches the gate cannot see.
test_public_ip_03_meaning_not_spelling if {
	count(network.public_ip) == 1 with input as one("aws_launch_configuration", {"associate_public_ip_address": "true"})
	count(network.public_ip) == 1 with input as one("aws_spot_instance_request", {"associate_public_ip_address": true})
	count(network.public_ip) == 1 with input as one("aws_default_subnet", {"availability_zone": "af-south-1a"})
	count(network.public_ip) == 1 with input as one("aws_default_subnet", {"map_public_ip_on_launch": true})
	count(network.public_ip) == 0 with input as one("aws_default_subnet", {"map_public_ip_on_launch": "false"})
	count(network.public_ip) == 0 with input as one("aws_instance", {"associate_public_ip_address": "false"})
	count(network.public_ip) == 0 with input as one("aws_instance", {"associate_public_ip_address": "${(known after apply)}"})
	some f in network.public_ip with input as one("aws_instance", {"associate_public_ip_address": "${var.public}"})
	contains(f.message, "associate_public_ip_address is the unresolved expression ${var.public} and cannot be judged")
	count(network.public_ip) == 1 with input as one("aws_subnet", {"map_public_ip_on_launch": "${local.public}"})
	count(network.public_ip) == 1 with input as one("aws_ecs_service", {"network_configuration": {"assign_public_ip": "${var.x}"}})
}

test_flow_logs_05_default_vpc if {
	default_vpc := {"type": "aws_default_vpc", "name": "d", "mode": "managed", "values": {}}
	count(network.vpc_flow_logs) == 1 with input as {"resources": {"aws_default_vpc.d": default_vpc}}
	count(network.vpc_flow_logs) == 0 with input as {"resources": {"aws_default_vpc.d": default_vpc, "aws_flow_log.f": {"type": "aws_flow_log", "name": "f", "mode": "managed", "values": {"vpc_id": "${aws_default_vpc.d.id}"}}}}
}
