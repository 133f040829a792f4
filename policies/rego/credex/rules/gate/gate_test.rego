package credex.rules.gate_test

import data.credex.lib
import data.credex.rules.gate

unjudgeable(shapes) := {"format": "cdktf", "resources": {}, "unjudgeable": shapes}

test_cannot_judge_01_each_shape_denied if {
	findings := gate.cannot_judge with input as unjudgeable([
		{"address": "module.net", "shape": "module", "detail": "module \"net\": its resources are not in this document"},
		{"address": "aws_security_group.web", "shape": "dynamic", "detail": "dynamic \"ingress\" block"},
		{"address": "aws_security_group.db", "shape": "for-expression", "detail": "ingress is built by a for expression"},
	])
	count(findings) == 3
	some m in findings
	m.address == "module.net"
	startswith(m.message, "cannot be judged: module \"net\"")
	contains(m.message, "terraform show -json")
}

test_cannot_judge_02_nothing_opaque_ok if {
	count(gate.cannot_judge) == 0 with input as unjudgeable([])
	count(gate.cannot_judge) == 0 with input as {"format": "plan", "resources": {}}
}

# An unknown shape (a newer normaliser) is still a finding, with the generic advice.
test_cannot_judge_03_unknown_shape_denied if {
	some f in gate.cannot_judge with input as unjudgeable([{"address": "x.y", "shape": "new", "detail": "d"}])
	contains(f.message, "judge the plan")
}

# References name resources at any module depth; in a plan with their instance keys, in a config without.
test_ref_keys_01_module_addresses if {
	lib.ref_keys("${module.net.module.inner.aws_vpc.main.id}") == {"module.net.module.inner.aws_vpc.main"}
	lib.ref_keys("arn-${data.aws_x.y.arn}/${module.a.aws_s3_bucket.b.arn}/*") == {"data.aws_x.y", "module.a.aws_s3_bucket.b"}
	ref := "${module.net[0].module.x[\"k\"].aws_subnet.a[1].id}"
	lib.ref_keys(ref) == {"module.net[0].module.x[\"k\"].aws_subnet.a[1]"} with input as {"format": "plan"}
	lib.ref_keys("${aws_subnet.a[1].id}") == {"aws_subnet.a"} with input as {"format": "cdktf"}
}

test_named_by_01_instances if {
	# In a plan, a reference to one instance names that instance only...
	lib.named_by("aws_vpc.main[0]", {}, lib.ref_keys("${aws_vpc.main[0].id}")) with input as {"format": "plan"}
	not lib.named_by("aws_vpc.main[1]", {}, lib.ref_keys("${aws_vpc.main[0].id}")) with input as {"format": "plan"}

	# ...and one without an index (aws_vpc.main[count.index] in the configuration) names every instance.
	lib.named_by("aws_vpc.main[1]", {}, lib.ref_keys("${aws_vpc.main.id}")) with input as {"format": "plan"}

	# In a cdktf config one body stands for every instance.
	lib.named_by("aws_vpc.main", {}, lib.ref_keys("${aws_vpc.main[1].id}")) with input as {"format": "cdktf"}

	# Module paths are part of the address.
	not lib.named_by("aws_vpc.main", {}, lib.ref_keys("${module.net.aws_vpc.main.id}"))
	lib.refers_to("${module.net.aws_vpc.main.id}", "module.net.aws_vpc.main", {})
}

test_address_type_01_in_modules if {
	lib.address_type("module.a.module.b.aws_vpc.main") == "aws_vpc" with input as {"resources": vpc("module.a.module.b.aws_vpc.main")}
}

vpc(addr) := {addr: {"type": "aws_vpc", "name": "main", "mode": "managed", "values": {}}}
