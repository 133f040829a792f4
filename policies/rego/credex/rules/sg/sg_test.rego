package credex.rules.sg_test

import data.credex.rules.sg

group(ingress) := {"resources": {"aws_security_group.x": {"type": "aws_security_group", "name": "x", "mode": "managed", "values": {"ingress": ingress}}}}

rule(values) := {"resources": {"aws_security_group_rule.r": {"type": "aws_security_group_rule", "name": "r", "mode": "managed", "values": values}}}

vpc_rule(values) := {"resources": {"aws_vpc_security_group_ingress_rule.r": {"type": "aws_vpc_security_group_ingress_rule", "name": "r", "mode": "managed", "values": values}}}

tcp(from, to, cidrs) := {"protocol": "tcp", "from_port": from, "to_port": to, "cidr_blocks": cidrs}

# 1. world-open 443 is compliant; 8080 is not (inline block as an array).
test_world_open_01_https_ok if {
	count(sg.world_open_ingress) == 0 with input as group([tcp(443, 443, ["0.0.0.0/0"])])
}

test_world_open_02_8080_denied if {
	some f in sg.world_open_ingress with input as group([tcp(8080, 8080, ["0.0.0.0/0"])])
	f.address == "aws_security_group.x"
	contains(f.message, "port 8080")
}

# 2. a single block written as an object (cdktf) and an ipv6 world CIDR.
test_world_open_03_object_block_ipv6 if {
	count(sg.world_open_ingress) == 1 with input as group({"protocol": "tcp", "from_port": 8443, "to_port": 8443, "ipv6_cidr_blocks": ["::/0"]})
}

# 3. a range 80-443 covers more than the two web ports.
test_world_open_04_range_80_443 if {
	count(sg.world_open_ingress) == 1 with input as rule({"type": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]})
}

# 4. a private CIDR or an SG reference is not world-open; egress rules are ignored.
test_world_open_05_private_ok if {
	count(sg.world_open_ingress) == 0 with input as group([tcp(8080, 8080, ["10.0.0.0/16"])])
	count(sg.world_open_ingress) == 0 with input as rule({"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]})
}

# 5. ports given as references are judged as all ports, and the message says so.
test_world_open_06_unresolved_ports if {
	some f in sg.all_traffic_ingress with input as group([tcp("${var.port}", "${var.port}", ["0.0.0.0/0"])])
	contains(f.message, "unresolved")
}

test_world_open_07_string_ports if {
	count(sg.world_open_ingress) == 1 with input as group([{"protocol": "6", "from_port": "8080", "to_port": "8080", "cidr_blocks": ["0.0.0.0/0"]}])
}

test_database_01_cidr_denied_all_shapes if {
	count(sg.database_port_cidr) == 1 with input as group([tcp(7687, 7687, ["10.0.0.0/16"])])
	count(sg.database_port_cidr) == 1 with input as rule({"type": "ingress", "protocol": "tcp", "from_port": 7474, "to_port": 7474, "cidr_blocks": ["0.0.0.0/0"]})
	count(sg.database_port_cidr) == 1 with input as vpc_rule({"ip_protocol": "tcp", "from_port": 7000, "to_port": 7000, "cidr_ipv4": "10.1.0.0/16"})
}

# A reference in a CIDR field is still a CIDR source.
test_database_02_cidr_reference_denied if {
	some f in sg.database_port_cidr with input as group([tcp(7687, 7687, ["${aws_vpc.main.cidr_block}"])])
	contains(f.message, "aws_vpc.main.cidr_block")
}

test_database_03_sg_reference_ok if {
	count(sg.database_port_cidr) == 0 with input as group([{"protocol": "tcp", "from_port": 7687, "to_port": 7687, "security_groups": ["${aws_security_group.task.id}"]}])
	count(sg.database_port_cidr) == 0 with input as rule({"type": "ingress", "protocol": "tcp", "from_port": 7687, "to_port": 7687, "source_security_group_id": "${aws_security_group.task.id}"})
	count(sg.database_port_cidr) == 0 with input as vpc_rule({"ip_protocol": "tcp", "from_port": 7687, "to_port": 7687, "referenced_security_group_id": "${aws_security_group.task.id}"})
	count(sg.database_port_cidr) == 0 with input as group([{"protocol": "tcp", "from_port": 6000, "to_port": 6000, "self": true}])
}

test_all_traffic_01_denied if {
	some f in sg.all_traffic_ingress with input as vpc_rule({"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"})
	contains(f.message, "whole internet")
	some g in sg.all_traffic_ingress with input as group([{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["10.0.0.0/8"]}])
	contains(g.message, "10.0.0.0/8")
	some h in sg.all_traffic_ingress with input as rule({"type": "ingress", "protocol": "all", "from_port": 0, "to_port": 65535, "source_security_group_id": "${aws_security_group.a.id}"})
	contains(h.message, "security-group")
	count(sg.all_traffic_ingress) == 1 with input as group([tcp(0, 65535, ["10.0.0.0/8"])])
}

test_all_traffic_02_self_ok if {
	count(sg.all_traffic_ingress) == 0 with input as group([{"protocol": "-1", "from_port": 0, "to_port": 0, "self": true}])
	count(sg.all_traffic_ingress) == 0 with input as group([{"protocol": "-1", "from_port": 0, "to_port": 0, "self": "true"}])
}

test_range_01_covers_sensitive if {
	some f in sg.sensitive_port_range with input as group([tcp(7000, 8000, ["10.0.0.0/16"])])
	contains(f.message, "7474")
	count(sg.sensitive_port_range) == 1 with input as rule({"type": "ingress", "protocol": "tcp", "from_port": 20, "to_port": 25, "source_security_group_id": "${aws_security_group.a.id}"})
}

test_range_02_ok if {
	count(sg.sensitive_port_range) == 0 with input as group([tcp(8000, 8100, ["10.0.0.0/16"])])
	count(sg.sensitive_port_range) == 0 with input as group([{"protocol": "tcp", "from_port": 5000, "to_port": 7688, "self": true}])
	count(sg.sensitive_port_range) == 0 with input as group([{"protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_blocks": ["0.0.0.0/0"]}])
}

test_admin_01_ssh_rdp_world if {
	count(sg.admin_port_world_open) == 1 with input as group([tcp(22, 22, ["0.0.0.0/0"])])
	count(sg.admin_port_world_open) == 1 with input as vpc_rule({"ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv6": "::/0"})
	count(sg.world_open_ingress) == 0 with input as group([tcp(22, 22, ["0.0.0.0/0"])])
}

test_admin_02_ssh_from_bastion_ok if {
	count(sg.admin_port_world_open) == 0 with input as group([tcp(22, 22, ["10.0.5.0/24"])])
}

test_unknown_types_ok if {
	count(sg.world_open_ingress) == 0 with input as {"resources": {"x_y.z": {"type": "x_y", "name": "z", "mode": "managed", "values": {}}}}
}

test_default_security_group_judged if {
	count(sg.all_traffic_ingress) == 1 with input as {"resources": {"aws_default_security_group.d": {"type": "aws_default_security_group", "name": "d", "mode": "managed", "values": {"ingress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}}}}
	count(sg.all_traffic_ingress) == 0 with input as {"resources": {"aws_default_security_group.d": {"type": "aws_default_security_group", "name": "d", "mode": "managed", "values": {"ingress": []}}}}
}

# Prefix lists: a source that names a list the input holds is judged by the list's CIDRs (entry blocks or entry
# resources), in each of the three rule shapes.
world_prefix_list := {
	"aws_ec2_managed_prefix_list.world": {"type": "aws_ec2_managed_prefix_list", "name": "world", "mode": "managed", "values": {"entry": [{"cidr": "0.0.0.0/1"}, {"cidr": "128.0.0.0/1"}]}},
	"aws_ec2_managed_prefix_list.office": {"type": "aws_ec2_managed_prefix_list", "name": "office", "mode": "managed", "values": {"entry": [{"cidr": "203.0.113.0/24"}]}},
}

with_prefix_lists(doc) := {"resources": object.union(doc.resources, world_prefix_list)}

test_world_open_30_prefix_list_sources if {
	pl := "${aws_ec2_managed_prefix_list.world.id}"
	count(sg.admin_port_world_open) == 1 with input as with_prefix_lists(vpc_rule({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "prefix_list_id": pl}))
	count(sg.admin_port_world_open) == 1 with input as with_prefix_lists(rule({"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "prefix_list_ids": [pl]}))
	count(sg.admin_port_world_open) == 1 with input as with_prefix_lists(group([{"protocol": "tcp", "from_port": 22, "to_port": 22, "prefix_list_ids": [pl]}]))
	office := "${aws_ec2_managed_prefix_list.office.id}"
	count(sg.admin_port_world_open) == 0 with input as with_prefix_lists(vpc_rule({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "prefix_list_id": office}))
}

test_world_open_31_prefix_list_entry_resources if {
	doc := {"resources": {
		"aws_ec2_managed_prefix_list.l": {"type": "aws_ec2_managed_prefix_list", "name": "l", "mode": "managed", "values": {}},
		"aws_ec2_managed_prefix_list_entry.a": {"type": "aws_ec2_managed_prefix_list_entry", "name": "a", "mode": "managed", "values": {"prefix_list_id": "${aws_ec2_managed_prefix_list.l.id}", "cidr": "::/0"}},
		"aws_vpc_security_group_ingress_rule.r": {"type": "aws_vpc_security_group_ingress_rule", "name": "r", "mode": "managed", "values": {"ip_protocol": "tcp", "from_port": 8080, "to_port": 8080, "prefix_list_id": "${aws_ec2_managed_prefix_list.l.id}"}},
	}}
	count(sg.world_open_ingress) == 1 with input as doc
}

# Groups add up on the resource that carries them: halves of the internet in two groups attached to one instance
# (top-level list) or one ECS service (nested block) are world-open; the same groups on different resources are not.
half_groups(carriers) := {"resources": object.union(
	{
		"aws_security_group.a": {"type": "aws_security_group", "name": "a", "mode": "managed", "values": {}},
		"aws_security_group.b": {"type": "aws_security_group", "name": "b", "mode": "managed", "values": {}},
		"aws_vpc_security_group_ingress_rule.a": {"type": "aws_vpc_security_group_ingress_rule", "name": "a", "mode": "managed", "values": {"security_group_id": "${aws_security_group.a.id}", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/1"}},
		"aws_vpc_security_group_ingress_rule.b": {"type": "aws_vpc_security_group_ingress_rule", "name": "b", "mode": "managed", "values": {"security_group_id": "${aws_security_group.b.id}", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "128.0.0.0/1"}},
	},
	carriers,
)}

# One finding, at the resource that carries both groups, naming the two rules that add up.
test_world_open_32_groups_attached_together if {
	both := ["${aws_security_group.a.id}", "${aws_security_group.b.id}"]
	findings := sg.admin_port_world_open with input as half_groups({"aws_instance.i": {"type": "aws_instance", "name": "i", "mode": "managed", "values": {"vpc_security_group_ids": both}}})
	[f] := [f | some f in findings]
	f.address == "aws_instance.i"
	contains(f.message, "aws_vpc_security_group_ingress_rule.a (0.0.0.0/1), aws_vpc_security_group_ingress_rule.b (128.0.0.0/1)")
	contains(f.message, "security groups aws_security_group.a, aws_security_group.b attached here together open port 22")
	count(sg.admin_port_world_open) == 1 with input as half_groups({"aws_ecs_service.s": {"type": "aws_ecs_service", "name": "s", "mode": "managed", "values": {"network_configuration": [{"security_groups": both}]}}})
	count(sg.admin_port_world_open) == 0 with input as half_groups({
		"aws_instance.i": {"type": "aws_instance", "name": "i", "mode": "managed", "values": {"vpc_security_group_ids": ["${aws_security_group.a.id}"]}},
		"aws_instance.j": {"type": "aws_instance", "name": "j", "mode": "managed", "values": {"vpc_security_group_ids": ["${aws_security_group.b.id}"]}},
	})
}

# Blame: a group where one rule opens port 22 to the world and others admit a private range, a source security group
# or the group itself (checkov's own passing fixtures for CKV_AWS_24 share such a group): only the opener is reported.
group_rules(rules) := {"resources": object.union(
	{"aws_security_group.bar": {"type": "aws_security_group", "name": "bar", "mode": "managed", "values": {}}},
	{sprintf("aws_security_group_rule.%s", [name]): {"type": "aws_security_group_rule", "name": name, "mode": "managed", "values": object.union({"type": "ingress", "security_group_id": "${aws_security_group.bar.id}", "protocol": "tcp", "from_port": 22, "to_port": 22}, v)} | some name, v in rules},
)}

test_blame_01_only_the_opener if {
	doc := group_rules({
		"fail": {"cidr_blocks": ["192.168.0.0/16", "0.0.0.0/0"]},
		"private": {"cidr_blocks": ["192.168.0.0/16"]},
		"source_sg": {"source_security_group_id": "sg-123456"},
		"self": {"self": true},
	})
	findings := sg.admin_port_world_open with input as doc
	{f.address | some f in findings} == {"aws_security_group_rule.fail"}
}

test_blame_02_halves_one_finding_naming_both if {
	doc := group_rules({
		"low": {"cidr_blocks": ["0.0.0.0/1"]},
		"high": {"cidr_blocks": ["128.0.0.0/1"]},
		"private": {"cidr_blocks": ["10.0.0.0/8"]},
		"source_sg": {"source_security_group_id": "${aws_security_group.task.id}"},
	})
	findings := sg.admin_port_world_open with input as doc
	[f] := [f | some f in findings]
	f.address == "aws_security_group.bar"
	f.message == "rules of aws_security_group.bar together open port 22 to the whole internet: aws_security_group_rule.high (128.0.0.0/1), aws_security_group_rule.low (0.0.0.0/1)"
}

# A private range that closes the gap is part of the union but never blamed.
test_blame_03_private_part_not_named if {
	doc := group_rules({
		"public": {"cidr_blocks": ["0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"]},
		"private": {"cidr_blocks": ["10.0.0.0/8"]},
	})
	[f] := [f | some f in sg.admin_port_world_open] with input as doc
	contains(f.message, "aws_security_group_rule.public (")
	not contains(f.message, "aws_security_group_rule.private")
}

# Protocols by meaning: "6" is tcp, so halves over tcp and "6" add up; "17" (udp) and tcp do not.
test_protocol_01_numbers_and_names if {
	count(sg.admin_port_world_open) == 1 with input as group_rules({"low": {"cidr_blocks": ["0.0.0.0/1"]}, "high": {"cidr_blocks": ["128.0.0.0/1"], "protocol": "6"}})
	count(sg.admin_port_world_open) == 1 with input as group_rules({"low": {"cidr_blocks": ["0.0.0.0/1"], "protocol": "TCP"}, "high": {"cidr_blocks": ["128.0.0.0/1"], "protocol": 6}})
	count(sg.admin_port_world_open) == 0 with input as group_rules({"low": {"cidr_blocks": ["0.0.0.0/1"]}, "high": {"cidr_blocks": ["128.0.0.0/1"], "protocol": "17"}})
	count(sg.all_traffic_ingress) == 1 with input as group([{"protocol": "all", "from_port": 0, "to_port": 0, "cidr_blocks": ["10.0.0.0/8"]}])
	count(sg.all_traffic_ingress) == 1 with input as group([{"protocol": -1, "from_port": 0, "to_port": 0, "cidr_blocks": ["10.0.0.0/8"]}])
}

# Fail closed: a CIDR source the gate cannot see is a finding on the ports world-open would be one; a reference to
# a VPC's or subnet's CIDR (bounded by AWS) is an edge, and an SG reference is never a CIDR.
test_unjudged_01_local_on_ssh if {
	some f in sg.admin_port_world_open with input as group([tcp(22, 22, ["${local.admin_cidr}"])])
	contains(f.message, "ingress[0] cannot be judged: it admits port 22 from ${local.admin_cidr}")
	count(sg.admin_port_world_open) == 1 with input as rule({"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": "${var.admin_cidrs}"})
	count(sg.admin_port_world_open) == 1 with input as vpc_rule({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "${module.net.admin_cidr}"})
	count(sg.admin_port_world_open) == 1 with input as group([tcp(22, 22, ["${cidrsubnet(var.base, 8, 1)}"])])
	count(sg.admin_port_world_open) == 1 with input as group([tcp(22, 22, ["${data.external.cidr.result}"])])
}

test_unjudged_02_other_ports if {
	count(sg.world_open_ingress) == 1 with input as group([tcp(8080, 8080, ["${local.cidr}"])])
	count(sg.world_open_ingress) == 0 with input as group([tcp(443, 443, ["${local.cidr}"])])
}

test_unjudged_03_edges_ok if {
	count(sg.admin_port_world_open) == 0 with input as group([tcp(22, 22, ["${aws_vpc.main.cidr_block}"])])
	count(sg.admin_port_world_open) == 0 with input as group([tcp(22, 22, ["${data.aws_vpc.main.cidr_block}", "${module.net.aws_subnet.a[0].ipv6_cidr_block}"])])
	count(sg.admin_port_world_open) == 0 with input as group([tcp(22, 22, ["${aws_eip.bastion.public_ip}/32"])])
	count(sg.admin_port_world_open) == 0 with input as group([{"protocol": "tcp", "from_port": 22, "to_port": 22, "security_groups": ["${var.bastion_sg}"]}])
}

test_unjudged_04_prefix_lists if {
	some f in sg.admin_port_world_open with input as vpc_rule({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "prefix_list_id": "pl-0123456789"})
	contains(f.message, "pl-0123456789")
	count(sg.admin_port_world_open) == 0 with input as {"resources": {
		"data.aws_prefix_list.s3": {"type": "aws_prefix_list", "name": "s3", "mode": "data", "values": {"name": "com.amazonaws.af-south-1.s3"}},
		"aws_vpc_security_group_ingress_rule.r": {"type": "aws_vpc_security_group_ingress_rule", "name": "r", "mode": "managed", "values": {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "prefix_list_id": "${data.aws_prefix_list.s3.id}"}},
	}}
}

# An ingress list that is an expression could hold any rule: all traffic from sources that cannot be judged.
test_unjudged_05_ingress_expression if {
	some f in sg.all_traffic_ingress with input as group("${var.ingress_rules}")
	contains(f.message, "cannot be judged")
	count(sg.all_traffic_ingress) == 1 with input as group(["${var.one}", tcp(443, 443, ["0.0.0.0/0"])])
}

# An unresolved protocol is judged as all protocols, and the message says so.
test_unjudged_06_protocol if {
	some f in sg.all_traffic_ingress with input as group([{"protocol": "${var.protocol}", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"]}])
	contains(f.message, "the protocol is an unresolved expression, judged as all protocols")
}

# A plan shows what the configuration did not write (an SG's inline list computed from standalone rules, an unset
# source) as known only after apply: no rule, no source, nothing to judge.
test_plan_placeholders_01_not_expressions if {
	count(sg.all_traffic_ingress) == 0 with input as group("${(known after apply)}")
	count(sg.admin_port_world_open) == 0 with input as group([{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"], "prefix_list_ids": ["${(known after apply)}"]}])
}

# Two new groups in one plan share the placeholder id "(known after apply)": neither is named by it.
test_plan_placeholders_02_unknown_ids if {
	doc := {"resources": {
		"aws_security_group.a": {"type": "aws_security_group", "name": "a", "mode": "managed", "values": {"id": "${(known after apply)}", "ingress": "${(known after apply)}"}},
		"aws_security_group.b": {"type": "aws_security_group", "name": "b", "mode": "managed", "values": {"id": "${(known after apply)}", "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]}},
	}}
	{f.address | some f in sg.admin_port_world_open} == {"aws_security_group.b"} with input as doc
}

# In a plan, a reference with a computed index (aws_security_group.web[count.index]) arrives without the key and names
# every instance of the counted group, inside a module instance too: a rule of it adds up with each instance, and a
# resource that carries it carries each. In a config the same unkeyed name is the one body of the group.
counted(prefix, format, extra) := {"format": format, "resources": object.union(
	{sprintf("%saws_security_group.web[%d]", [prefix, i]): {"type": "aws_security_group", "name": "web", "mode": "managed", "values": {"ingress": [tcp(22, 22, ["0.0.0.0/1"])]}} | some i in [0, 1]},
	extra,
)}

counted_rule(prefix, cidr) := {sprintf("%saws_security_group_rule.other", [prefix]): {"type": "aws_security_group_rule", "name": "other", "mode": "managed", "values": object.union(tcp(22, 22, [cidr]), {"type": "ingress", "security_group_id": sprintf("${%saws_security_group.web}", [prefix])})}}

test_counted_01_rule_of_every_instance if {
	every prefix in ["", "module.a[0].module.b[\"k\"]."] {
		findings := sg.admin_port_world_open with input as counted(prefix, "plan", counted_rule(prefix, "128.0.0.0/1"))
		{f.address | some f in findings} == {sprintf("%saws_security_group.web[0]", [prefix]), sprintf("%saws_security_group.web[1]", [prefix])}
		count(sg.admin_port_world_open) == 0 with input as counted(prefix, "plan", counted_rule(prefix, "10.0.0.0/9"))
	}
}

test_counted_02_carrier_of_every_instance if {
	b := {
		"aws_security_group.b": {"type": "aws_security_group", "name": "b", "mode": "managed", "values": {"ingress": [tcp(22, 22, ["128.0.0.0/1"])]}},
		"aws_instance.x": {"type": "aws_instance", "name": "x", "mode": "managed", "values": {"vpc_security_group_ids": ["${aws_security_group.web}", "${aws_security_group.b.id}"]}},
	}
	[f] := [f | some f in sg.admin_port_world_open] with input as counted("", "plan", b)
	f.address == "aws_instance.x"
	contains(f.message, "aws_security_group.b ingress[0] (128.0.0.0/1), aws_security_group.web[0] ingress[0] (0.0.0.0/1), aws_security_group.web[1] ingress[0] (0.0.0.0/1)")
}
