# One view of ingress over the three Terraform shapes: inline `ingress` blocks of aws_security_group,
# aws_security_group_rule (type = "ingress") and aws_vpc_security_group_ingress_rule.
#
# Each entry: {"address", "where", "group", "protocol", "from", "to", "all_traffic", "ports_known", "has_ports",
# "cidrs", "other_sources", "self"} where cidrs are the CIDR sources (literals or unresolved references: a reference
# in a CIDR field is still a CIDR source), other_sources counts security-group and prefix-list sources, self is the
# SG itself, and group names the security group the rule belongs to (its address, or what security_group_id
# refers to), so that rules of one group are judged together: two rules that each open half the internet open all
# of it.
package credex.lib

world_cidrs := {"0.0.0.0/0", "::/0"}

# Neo4j: Bolt, HTTP, HTTPS, then the cluster ports (discovery, cluster, raft, routing), backup, metrics, JMX.
database_ports := {7687, 7474, 7473, 5000, 6000, 7000, 7688, 6362, 2004, 3637}

admin_ports := {22, 3389}

web_ports := {80, 443}

sensitive_ports := database_ports | admin_ports

ingress_rules contains rule if {
	some type in ["aws_security_group", "aws_default_security_group"]
	some addr, r in resources(type)
	some i, b in blocks(values(r), "ingress")
	rule := ingress_entry(
		addr, sprintf("ingress[%d]", [i]), addr,
		b.protocol, object.get(b, "from_port", null), object.get(b, "to_port", null),
		array.concat(
			array.concat(attr_strings(b, "cidr_blocks"), attr_strings(b, "ipv6_cidr_blocks")),
			prefix_list_cidrs(attr_strings(b, "prefix_list_ids")),
		),
		count(attr_strings(b, "security_groups")) + count(attr_strings(b, "prefix_list_ids")),
		is_true(b, "self"),
	)
}

ingress_rules contains rule if {
	some addr, r in resources("aws_security_group_rule")
	v := values(r)
	v.type == "ingress"
	other := count(attr_strings(v, "source_security_group_id")) + count(attr_strings(v, "prefix_list_ids"))
	rule := ingress_entry(
		addr, "rule", rule_group(addr, v),
		v.protocol, object.get(v, "from_port", null), object.get(v, "to_port", null),
		array.concat(
			array.concat(attr_strings(v, "cidr_blocks"), attr_strings(v, "ipv6_cidr_blocks")),
			prefix_list_cidrs(attr_strings(v, "prefix_list_ids")),
		),
		other, is_true(v, "self"),
	)
}

ingress_rules contains rule if {
	some addr, r in resources("aws_vpc_security_group_ingress_rule")
	v := values(r)
	other := count(attr_strings(v, "referenced_security_group_id")) + count(attr_strings(v, "prefix_list_id"))
	rule := ingress_entry(
		addr, "rule", rule_group(addr, v),
		v.ip_protocol, object.get(v, "from_port", null), object.get(v, "to_port", null),
		array.concat(
			array.concat(attr_strings(v, "cidr_ipv4"), attr_strings(v, "cidr_ipv6")),
			prefix_list_cidrs(attr_strings(v, "prefix_list_id")),
		),
		other, false,
	)
}

ingress_entry(addr, where, group, protocol, from, to, cidrs, other, self) := {
	"address": addr,
	"where": where,
	"group": group,
	"protocol": proto(protocol),
	"from": range[0],
	"to": range[1],
	"all_traffic": all_traffic(protocol, range),
	"ports_known": ports_known(protocol, from, to),
	"has_ports": has_ports(protocol),
	"cidrs": cidrs,
	"other_sources": other,
	"self": self,
} if {
	range := port_range(protocol, from, to)
}

all_protocols := {"-1", "all"}

no_port_protocols := {"icmp", "icmpv6", "1", "58"}

proto(p) := lower(format_int(p, 10)) if is_number(p)

proto(p) := lower(p) if is_string(p)

proto(p) := "-1" if {
	not is_number(p)
	not is_string(p)
}

default has_ports(_) := false

has_ports(protocol) if not proto(protocol) in no_port_protocols

port(p) := p if is_number(p)

port(p) := to_number(p) if {
	is_string(p)
	regex.match(`^[0-9]+$`, p)
}

# All protocols means all ports; an unresolved port is judged as the widest range (the message says so).
port_range(protocol, _, _) := [0, 65535] if proto(protocol) in all_protocols

port_range(protocol, from, to) := [port(from), port(to)] if {
	not proto(protocol) in all_protocols
	ports_known(protocol, from, to)
}

port_range(protocol, from, to) := [0, 65535] if {
	not proto(protocol) in all_protocols
	not ports_known(protocol, from, to)
}

default ports_known(_, _, _) := false

ports_known(protocol, _, _) if proto(protocol) in all_protocols

ports_known(_, from, to) if {
	port(from)
	port(to)
}

default all_traffic(_, _) := false

all_traffic(protocol, _) if proto(protocol) in all_protocols

all_traffic(_, range) if range == [0, 65535]

covers(rule, p) if {
	rule.has_ports
	rule.from <= p
	p <= rule.to
}

# The sensitive ports a rule's range covers, in order.
covered_sensitive(rule) := sort([p | some p in sensitive_ports; covers(rule, p)])

# The security group a standalone rule belongs to: the resource its security_group_id names (by reference, or by
# id in a plan), else the id as written, else the rule alone.
rule_group(addr, v) := g if {
	keys := ref_keys(object.get(v, "security_group_id", null))
	count(keys) == 1
	some key in keys
	g := object.get(security_group_ids, key, key)
} else := addr

# Security groups by their id or ARN as a plan resolves them, to match standalone rules to their group.
security_group_ids[id] := addr if {
	some type in ["aws_security_group", "aws_default_security_group"]
	some addr, r in resources(type)
	some key in ["id", "arn"]
	id := object.get(values(r), key, null)
	is_string(id)
	id != ""
}

# The ingress rules of each group.
ingress_groups[group] contains rule if {
	some rule in ingress_rules
	group := rule.group
}

# Whether the rule admits the whole internet on some of its ports, alone or together with the other rules of its
# group that cover the same port and protocol: at each port where the set of rules can change (the starts of the
# group's ranges inside this rule's range), the union of their CIDR sources covers the IPv4 or the IPv6 space.
world_open(rule) if covers_world(rule.cidrs)

world_open(rule) if {
	not covers_world(rule.cidrs)
	some p in candidate_ports(rule)
	covers_world(group_cidrs_at(rule, p))
}

# Security groups add up on the resource that carries them: two groups that each open half the internet on a port
# open all of it to an instance (or ENI, load balancer, ECS service, Lambda) that has both.
world_open(rule) if {
	not covers_world(rule.cidrs)
	some members in attached_together
	rule.group in members
	some p in ({rule.from} | {o.from |
		some g in members
		some o in ingress_groups[g]
		o.from > rule.from
		o.from <= rule.to
	})
	covers_world({c |
		some g in members
		some o in ingress_groups[g]
		same_protocol(rule, o)
		o.from <= p
		p <= o.to
		some c in o.cidrs
	})
}

candidate_ports(rule) := {rule.from} | {o.from |
	some o in ingress_groups[rule.group]
	o.from > rule.from
	o.from <= rule.to
}

group_cidrs_at(rule, p) := {c |
	some o in ingress_groups[rule.group]
	same_protocol(rule, o)
	o.from <= p
	p <= o.to
	some c in o.cidrs
}

same_protocol(rule, o) if rule.protocol == o.protocol

same_protocol(_, o) if o.protocol in all_protocols

same_protocol(rule, _) if rule.protocol in all_protocols

# CIDR coverage, semantics rather than spellings: "0.0.0.0/0", "0.0.0.0/1" + "128.0.0.0/1", "::/0", "::0/0" all
# cover their address space. The blocks not inside another one are disjoint (aligned prefixes either nest or do
# not meet), so their sizes add up: in units of 2^-62 of the space, a /n block weighs 2^(62-n). The space is
# covered when the gaps weigh less than 2^-40 of it: exact for IPv4 (one address is 2^-32), and for IPv6 a gap
# smaller than a /40 still counts as world-open. Blocks longer than /62 weigh nothing; unresolved references and
# invalid CIDRs are not literals and count for nothing here (CDX-SG-002 and the messages still name them).
covers_world(cidrs) if coverage({c | some c in cidrs; cidr_literal(c); not contains(c, ":")}) >= world_weight

covers_world(cidrs) if coverage({c | some c in cidrs; cidr_literal(c); contains(c, ":")}) >= world_weight

world_weight := bits.lsh(1, 62) - bits.lsh(1, 22)

cidr_literal(c) if {
	is_string(c)
	not is_ref(c)
	net.cidr_contains(c, c)
}

coverage(blocks) := sum([cidr_weight(c) | some c in outermost(blocks)])

# The blocks not inside another block of the set; of two spellings of one block, the smaller string stays.
outermost(blocks) := {c |
	some c in blocks
	not inside_another(c, blocks)
}

inside_another(c, blocks) if {
	some o in blocks
	o != c
	net.cidr_contains(o, c)
	not net.cidr_contains(c, o)
}

inside_another(c, blocks) if {
	some o in blocks
	o < c
	net.cidr_contains(o, c)
	net.cidr_contains(c, o)
}

cidr_weight(c) := bits.lsh(1, 62 - n) if {
	n := prefix_length(c)
	n <= 62
}

cidr_weight(c) := 0 if prefix_length(c) > 62

prefix_length(c) := to_number(parts[1]) if {
	parts := split(c, "/")
	count(parts) == 2
	regex.match(`^[0-9]{1,3}$`, parts[1])
}

# Only the security group itself is a source.
self_only(rule) if {
	rule.self
	count(rule.cidrs) == 0
	rule.other_sources == 0
}

describe_ports(rule) := "all ports" if rule.all_traffic

describe_ports(rule) := sprintf("port %d", [rule.from]) if {
	not rule.all_traffic
	rule.from == rule.to
}

describe_ports(rule) := sprintf("ports %d-%d", [rule.from, rule.to]) if {
	not rule.all_traffic
	rule.from != rule.to
}

# Added to messages when the ports were references the rule could not resolve.
unresolved_note(rule) := "" if rule.ports_known

unresolved_note(rule) := " (the ports are unresolved references, judged as all ports)" if not rule.ports_known

only_web_ports(rule) if {
	rule.from == rule.to
	rule.from in web_ports
}

describe_sources(rule) := "the whole internet" if world_open(rule)

describe_sources(rule) := sprintf("CIDR source(s) %s", [concat(", ", rule.cidrs)]) if {
	not world_open(rule)
	count(rule.cidrs) > 0
}

describe_sources(rule) := "security-group or prefix-list sources" if {
	count(rule.cidrs) == 0
}

# The CIDRs behind prefix-list sources, where the input holds the list (its entry blocks, or
# aws_ec2_managed_prefix_list_entry resources): a prefix list of 0.0.0.0/1 + 128.0.0.0/1 is the whole internet.
prefix_list_cidrs(ids) := [c |
	some id in ids
	some key in ref_keys(id)
	some c in prefix_list_entries[key]
]

prefix_list_entries[key] contains c if {
	some addr, r in resources("aws_ec2_managed_prefix_list")
	some key in ({addr} | {id | some k in ["id", "arn"]; id := object.get(values(r), k, ""); is_string(id); id != ""})
	some e in blocks(values(r), "entry")
	some c in attr_strings(e, "cidr")
}

prefix_list_entries[key] contains c if {
	some _, r in resources("aws_ec2_managed_prefix_list_entry")
	some key in ref_keys(object.get(values(r), "prefix_list_id", null))
	some c in attr_strings(values(r), "cidr")
}

# The attributes through which a resource carries security groups (top level or in one nested block).
sg_attachment_keys := ["vpc_security_group_ids", "security_groups", "security_group_ids"]

# Sets of two or more security groups that one resource carries together.
attached_together contains members if {
	some r in input.resources
	not r.type in security_group_types
	v := values(r)
	members := attached_groups(v) | {g |
		some _, b in v
		some x in as_block_list(b)
		some g in attached_groups(x)
	}
	count(members) > 1
}

security_group_types := {
	"aws_security_group", "aws_default_security_group", "aws_security_group_rule",
	"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
}

attached_groups(v) := {g |
	some key in sg_attachment_keys
	some s in attr_strings(v, key)
	some k in ref_keys(s)
	g := object.get(security_group_ids, k, k)
}

as_block_list(b) := [x | some x in b; is_object(x)] if is_array(b)

as_block_list(b) := [b] if is_object(b)
