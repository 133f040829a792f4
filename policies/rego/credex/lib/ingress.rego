# One view of ingress over the three Terraform shapes: inline `ingress` blocks of aws_security_group and
# aws_default_security_group, aws_security_group_rule (type = "ingress") and aws_vpc_security_group_ingress_rule.
#
# Each entry: {"address", "where", "name", "group", "protocol", "protocol_known", "from", "to", "all_traffic",
# "ports_known", "has_ports", "cidrs", "unjudged", "other_sources", "self"} where cidrs are the CIDR sources
# (literals, the CIDRs of prefix lists the input holds, and references: a reference in a CIDR field is still a CIDR
# source), unjudged the sources the gate cannot see (a CIDR that is a local, variable, function call or module
# output; a prefix list that is not in the input), other_sources counts security-group and prefix-list sources,
# self is the SG itself, and group names the security group the rule belongs to (its address, or what
# security_group_id refers to), so that rules of one group are judged together: two rules that each open half
# the internet open all of it. Protocols are judged by meaning: "6" is tcp, "17" udp, "-1" and "all" all protocols.
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
	some i, b in inline_ingress(values(r))
	is_object(b)
	rule := ingress_entry({
		"address": addr, "where": sprintf("ingress[%d]", [i]), "group": addr,
		"protocol": object.get(b, "protocol", null),
		"from": object.get(b, "from_port", null), "to": object.get(b, "to_port", null),
		"cidrs": array.concat(attr_strings(b, "cidr_blocks"), attr_strings(b, "ipv6_cidr_blocks")),
		"prefix_lists": attr_strings(b, "prefix_list_ids"),
		"groups": attr_strings(b, "security_groups"),
		"self": is_true(b, "self"),
	})
}

# An ingress list (or one of its blocks) that is an expression stands for rules the gate cannot see: judged as all
# traffic from a source that cannot be judged.
ingress_rules contains rule if {
	some type in ["aws_security_group", "aws_default_security_group"]
	some addr, r in resources(type)
	some where, expression in unresolved_ingress(values(r))
	rule := ingress_entry({
		"address": addr, "where": where, "group": addr, "protocol": expression, "from": null, "to": null,
		"cidrs": [expression], "prefix_lists": [], "groups": [], "self": false,
	})
}

ingress_rules contains rule if {
	some addr, r in resources("aws_security_group_rule")
	v := values(r)
	v.type == "ingress"
	rule := ingress_entry({
		"address": addr, "where": "rule", "group": rule_group(addr, v),
		"protocol": object.get(v, "protocol", null),
		"from": object.get(v, "from_port", null), "to": object.get(v, "to_port", null),
		"cidrs": array.concat(attr_strings(v, "cidr_blocks"), attr_strings(v, "ipv6_cidr_blocks")),
		"prefix_lists": attr_strings(v, "prefix_list_ids"),
		"groups": attr_strings(v, "source_security_group_id"),
		"self": is_true(v, "self"),
	})
}

ingress_rules contains rule if {
	some addr, r in resources("aws_vpc_security_group_ingress_rule")
	v := values(r)
	rule := ingress_entry({
		"address": addr, "where": "rule", "group": rule_group(addr, v),
		"protocol": object.get(v, "ip_protocol", null),
		"from": object.get(v, "from_port", null), "to": object.get(v, "to_port", null),
		"cidrs": array.concat(attr_strings(v, "cidr_ipv4"), attr_strings(v, "cidr_ipv6")),
		"prefix_lists": attr_strings(v, "prefix_list_id"),
		"groups": attr_strings(v, "referenced_security_group_id"),
		"self": false,
	})
}

inline_ingress(v) := b if {
	b := object.get(v, "ingress", [])
	is_array(b)
}

inline_ingress(v) := [b] if {
	b := object.get(v, "ingress", [])
	is_object(b)
}

inline_ingress(v) := [] if {
	b := object.get(v, "ingress", [])
	not is_array(b)
	not is_object(b)
}

# (A plan shows an ingress list the configuration did not write, computed from standalone rules, as known only
# after apply: no inline rules.)
unresolved_ingress(v) := {"ingress": b} if {
	b := object.get(v, "ingress", null)
	is_string(b)
	b != after_apply
}

unresolved_ingress(v) := {sprintf("ingress[%d]", [i]): b |
	some i, b in object.get(v, "ingress", [])
	is_string(b)
} if is_array(object.get(v, "ingress", null))

unresolved_ingress(v) := {} if {
	not is_string(object.get(v, "ingress", null))
	not is_array(object.get(v, "ingress", null))
}

# A source field a plan shows as known only after apply, without a configuration reference, was not written: the
# provider computes it. It is no source.
written(values) := [v | some v in values; v != after_apply]

ingress_entry(raw) := {
	"address": e.address,
	"where": e.where,
	"name": entry_name(e),
	"group": e.group,
	"protocol": proto(e.protocol),
	"protocol_known": literal_protocol(e.protocol),
	"from": range[0],
	"to": range[1],
	"all_traffic": all_traffic(e.protocol, range),
	"ports_known": ports_known(e.protocol, e.from, e.to),
	"has_ports": has_ports(e.protocol),
	"cidrs": array.concat(e.cidrs, prefix_list_cidrs(e.prefix_lists)),
	"unjudged": array.concat([c | some c in e.cidrs; unjudgeable_cidr(c)], unknown_prefix_lists(e.prefix_lists)),
	"other_sources": count(e.groups) + count(e.prefix_lists),
	"self": e.self,
} if {
	e := object.union(raw, {"cidrs": written(raw.cidrs), "prefix_lists": written(raw.prefix_lists), "groups": written(raw.groups)})
	range := port_range(e.protocol, e.from, e.to)
}

default literal_protocol(_) := true

literal_protocol(p) := false if is_ref(p)

# Whether every rule of a set has a flag.
default all_of(_, _) := true

all_of(rules, flag) := false if {
	some o in rules
	not o[flag]
}

entry_name(e) := e.address if e.where == "rule"

entry_name(e) := sprintf("%s %s", [e.address, e.where]) if e.where != "rule"

all_protocols := {"-1"}

no_port_protocols := {"icmp", "icmpv6"}

# Protocol numbers and names that mean the same thing (IANA numbers; "all" is the provider's spelling of -1).
protocol_names := {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}

# The protocol by meaning. A missing or unresolved protocol is judged as all protocols (the message says so).
proto(p) := object.get(protocol_names, proto_text(p), proto_text(p))

proto_text(p) := format_int(p, 10) if is_number(p)

proto_text(p) := lower(trim_space(p)) if {
	is_string(p)
	not is_ref(p)
}

proto_text(p) := "-1" if is_ref(p)

proto_text(p) := "-1" if {
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

# Security groups by their id or ARN as a plan resolves them, to match standalone rules to their group (an id a
# plan knows only after apply names no group: every new group has that placeholder).
security_group_ids[id] := addr if {
	some type in ["aws_security_group", "aws_default_security_group"]
	some addr, r in resources(type)
	some key in ["id", "arn"]
	id := object.get(values(r), key, null)
	is_string(id)
	id != ""
	not is_ref(id)
}

# The ingress rules of each group.
ingress_groups[group] contains rule if {
	some rule in ingress_rules
	some group in group_names(rule.group)
}

# The groups a group name stands for: itself, or in a plan every instance of a counted group the name leaves
# without its key. Terraform writes a reference whose index it cannot know while configuring
# (aws_security_group.web[count.index].id, for a group not yet created) as "aws_security_group.web", which names every
# instance: a rule that refers to it belongs to each of them, and a resource that carries it carries each of them
# (the gate cannot tell which one; it judges every one, failing closed).
group_names(g) := object.get(group_instances, g, {g})

group_instances[group] contains addr if {
	input.format == "plan"
	some type in ["aws_security_group", "aws_default_security_group"]
	some addr, _ in resources(type)
	endswith(addr, "]")
	group := without_own_key(addr)
	not input.resources[group]
}

# An address without the instance key of its resource (its modules keep theirs, as resolved references do):
# "module.a[0].aws_security_group.web[1]" -> "module.a[0].aws_security_group.web".
without_own_key(addr) := m[0][1] if {
	m := regex.find_all_string_submatch_n(`^(.*[^\]])\[(?:"[^"]*"|[0-9]+)\]$`, addr, 1)
	count(m) == 1
}

# ---- Who opens what (blame) ----------------------------------------------------------------------------------
#
# A rule opens something when one of its CIDR sources reaches beyond private address space. A rule that admits
# only security groups, itself or private ranges never opens the internet and is never blamed, even when it shares
# a group (or an instance) with a rule that does. An exposure is reported where it is: at the rule when that rule
# alone admits the whole internet, otherwise once for the rules that add up to it (in one group, or in the groups
# one resource carries), naming them all.

private_ranges := ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"]

private_cidr(c) if {
	some p in private_ranges
	contains(p, ":") == contains(c, ":")
	net.cidr_contains(p, c)
}

# The literal CIDRs of a rule that reach beyond private address space.
public_cidrs(rule) := [c | some c in rule.cidrs; cidr_literal(c); not private_cidr(c)]

opens(rule) if count(public_cidrs(rule)) > 0

# The rule alone admits the whole IPv4 or IPv6 internet.
alone_world(rule) if covers_world(rule.cidrs)

# The ports where the set of rules of a group can change inside this rule's range: its start and the starts of
# the other rules of the group that begin inside it.
candidate_ports(rule, rules) := {rule.from} | {o.from |
	some o in rules
	o.from > rule.from
	o.from <= rule.to
}

# The rules among `rules` that admit port p with the protocol of `rule`.
rules_at(rule, rules, p) := {o |
	some o in rules
	same_protocol(rule, o)
	o.from <= p
	p <= o.to
}

cidrs_of(rules) := {c | some o in rules; some c in o.cidrs}

# Rules of one group that together, and none alone, admit the whole internet on some port.
group_exposures contains exposure if {
	some rule in ingress_rules
	opens(rule)
	not alone_world(rule)
	some group in group_names(rule.group)
	rules := ingress_groups[group]
	some p in candidate_ports(rule, rules)
	cover := rules_at(rule, rules, p)
	every o in cover {
		not alone_world(o)
	}
	covers_world(cidrs_of(cover))
	exposure := exposure_of(group_address(group, cover), cover, sprintf("rules of %s together", [group]))
}

# Rules of two or more groups one resource carries that together, and no group alone, admit the whole internet.
carrier_exposures contains exposure if {
	some carrier, members in attached_together
	rules := {o | some g in members; some o in ingress_groups[g]}
	some rule in rules
	opens(rule)
	not alone_world(rule)
	some p in candidate_ports(rule, rules)
	cover := rules_at(rule, rules, p)
	every o in cover {
		not alone_world(o)
	}
	covers_world(cidrs_of(cover))
	every g in members {
		not covers_world(cidrs_of({o | some o in cover; g in group_names(o.group)}))
	}
	groups := sort({o.group | some o in cover; opens(o)})
	exposure := exposure_of(carrier, cover, sprintf("security groups %s attached here together", [concat(", ", groups)]))
}

exposures := group_exposures | carrier_exposures

# An exposure: where it is reported, the ports all its rules admit, and the rules that open it with their CIDRs.
exposure_of(address, cover, who) := {
	"address": address,
	"who": who,
	"from": max({o.from | some o in cover}),
	"to": min({o.to | some o in cover}),
	"has_ports": all_of(cover, "has_ports"),
	"all_traffic": all_of(cover, "all_traffic"),
	"openers": concat(", ", sort([sprintf("%s (%s)", [o.name, concat(", ", public_cidrs(o))]) | some o in cover; opens(o)])),
}

# A group's exposure is reported at the group when the input holds it, else at the first rule that opens it.
group_address(group, _) := group if input.resources[group]

group_address(group, cover) := min({o.address | some o in cover; opens(o)}) if not input.resources[group]

same_protocol(rule, o) if rule.protocol == o.protocol

same_protocol(_, o) if o.protocol in all_protocols

same_protocol(rule, _) if rule.protocol in all_protocols

# ---- CIDR coverage ---------------------------------------------------------------------------------------------
#
# Semantics rather than spellings: "0.0.0.0/0", "0.0.0.0/1" + "128.0.0.0/1", "::/0", "::0/0" all cover their
# address space. The blocks not inside another one are disjoint (aligned prefixes either nest or do not meet), so
# their sizes add up: in units of 2^-62 of the space, a /n block weighs 2^(62-n). The space is covered when the gaps
# weigh less than 2^-40 of it: exact for IPv4 (one address is 2^-32), and for IPv6 a gap smaller than a /40 still
# counts as world-open. Blocks longer than /62 weigh nothing; references and invalid CIDRs are not literals and
# count for nothing here (CDX-SG-002 and the messages still name them; unjudged sources are reported on their own).
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

# ---- Sources the gate cannot see --------------------------------------------------------------------------------
#
# A CIDR source written as a reference to a network attribute of a VPC, subnet or host (managed or looked up) is
# bounded by AWS (a VPC is at most a /16, a host a /32): an edge, never the whole internet. Any other expression in a
# CIDR field (a local, a variable, a module output, a function call, a data source of another kind, another
# resource's attribute) could be 0.0.0.0/0 and cannot be judged.
network_reference_pattern := `^\$\{(module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.)*(data\.)?(aws_vpc|aws_default_vpc|aws_subnet|aws_default_subnet|aws_vpc_ipv4_cidr_block_association|aws_vpc_ipv6_cidr_block_association)\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.(cidr_block|ipv6_cidr_block)\}$`

host_reference_pattern := `^\$\{(module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.)*(data\.)?(aws_eip|aws_instance|aws_network_interface|aws_nat_gateway)\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.(public_ip|private_ip)\}/(32|128)$`

unjudgeable_cidr(c) if {
	is_ref(c)
	not regex.match(network_reference_pattern, c)
	not regex.match(host_reference_pattern, c)
}

# The CIDRs behind prefix-list sources, where the input holds the list (its entry blocks, aws_ec2_managed_prefix_list_entry
# resources, or the entries a plan read for a data source): a prefix list of 0.0.0.0/1 + 128.0.0.0/1 is the whole
# internet.
prefix_list_cidrs(ids) := [c |
	some id in ids
	some key in ref_keys(id)
	some c in prefix_list_entries[key]
]

prefix_list_entries[key] contains c if {
	some addr, r in resources("aws_ec2_managed_prefix_list")
	some key in resource_keys(addr, r)
	some e in blocks(values(r), "entry")
	some c in attr_strings(e, "cidr")
}

prefix_list_entries[key] contains c if {
	some _, r in resources("aws_ec2_managed_prefix_list_entry")
	some key in ref_keys(object.get(values(r), "prefix_list_id", null))
	some c in attr_strings(values(r), "cidr")
}

prefix_list_entries[key] contains c if {
	some addr, r in data_sources("aws_ec2_managed_prefix_list")
	some key in resource_keys(addr, r)
	some e in blocks(values(r), "entries")
	some c in attr_strings(e, "cidr")
}

# What names a resource: its address, id and ARN.
resource_keys(addr, r) := {addr} | {id |
	some k in ["id", "arn"]
	id := object.get(values(r), k, "")
	is_string(id)
	id != ""
	not is_ref(id)
}

# Prefix lists whose contents the gate knows: managed lists in the input, lists with entry resources, and AWS's own
# service lists looked up by data source (com.amazonaws.<region>.<service>, or data.aws_prefix_list).
known_prefix_lists contains key if {
	some addr, r in resources("aws_ec2_managed_prefix_list")
	some key in resource_keys(addr, r)
}

known_prefix_lists contains key if some key, _ in prefix_list_entries

known_prefix_lists contains key if {
	some addr, r in data_sources("aws_prefix_list")
	some key in resource_keys(addr, r)
}

known_prefix_lists contains key if {
	some addr, r in data_sources("aws_ec2_managed_prefix_list")
	startswith(object.get(values(r), "name", ""), "com.amazonaws.")
	some key in resource_keys(addr, r)
}

# Prefix-list sources the gate cannot see into (a list id or expression that is not in the input).
unknown_prefix_lists(ids) := [id |
	some id in ids
	keys := ref_keys(id)
	count(keys & known_prefix_lists) == 0
]

# ---- Groups carried together ----------------------------------------------------------------------------------

# The attributes through which a resource carries security groups (top level or in one nested block).
sg_attachment_keys := ["vpc_security_group_ids", "security_groups", "security_group_ids"]

# The resources that carry two or more security groups together, with those groups.
attached_together[addr] := members if {
	some addr, r in input.resources
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
	some g in group_names(object.get(security_group_ids, k, k))
}

as_block_list(b) := [x | some x in b; is_object(x)] if is_array(b)

as_block_list(b) := [b] if is_object(b)

# ---- Messages -------------------------------------------------------------------------------------------------

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

# Added to messages when the protocol or the ports were expressions the rule could not resolve.
unresolved_note(rule) := "" if {
	rule.ports_known
	rule.protocol_known
}

unresolved_note(rule) := " (the ports are unresolved references, judged as all ports)" if {
	not rule.ports_known
	rule.protocol_known
}

unresolved_note(rule) := " (the protocol is an unresolved expression, judged as all protocols)" if not rule.protocol_known

only_web_ports(rule) if {
	rule.from == rule.to
	rule.from in web_ports
}

describe_sources(rule) := "the whole internet" if alone_world(rule)

describe_sources(rule) := sprintf("sources that cannot be judged (%s)", [concat(", ", rule.unjudged)]) if {
	not alone_world(rule)
	count(rule.unjudged) > 0
}

describe_sources(rule) := sprintf("CIDR source(s) %s", [concat(", ", rule.cidrs)]) if {
	not alone_world(rule)
	count(rule.unjudged) == 0
	count(rule.cidrs) > 0
}

describe_sources(rule) := "security-group or prefix-list sources" if {
	count(rule.unjudged) == 0
	count(rule.cidrs) == 0
}

# The message of a rule whose sources cannot be judged, and how to make them judgeable.
unjudged_message(rule) := sprintf("%s cannot be judged: it admits %s from %s, which the gate cannot see (a local, variable, module output, function call or a prefix list or data source not in the input); write the CIDRs literally, reference the client's security group, or define the prefix list in the same configuration", [rule.where, describe_ports(rule), concat(", ", rule.unjudged)])
