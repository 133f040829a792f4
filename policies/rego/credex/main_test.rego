package credex_test

import data.credex

test_findings_01_tagged_with_rule_key if {
	some f in credex.findings with input as {"format": "cdktf", "resources": {"aws_cloudwatch_log_group.g": {"type": "aws_cloudwatch_log_group", "name": "g", "mode": "managed", "values": {}}}}
	f.rule == "logs.log_retention"
	f.address == "aws_cloudwatch_log_group.g"
}

test_findings_02_empty_input if {
	count(credex.findings) == 0 with input as {"format": "plan", "resources": {}}
}

# Raw Terraform JSON (what opa eval or conftest would pass) is refused with a finding, never an empty answer.
test_findings_03_raw_input_refused if {
	some f in credex.findings with input as {"resource": {"aws_security_group": {"x": {"ingress": []}}}}
	f.rule == "gate.raw_input"
	contains(f.message, "raw cdktf config")
	some g in credex.findings with input as {"format_version": "1.2", "planned_values": {}}
	contains(g.message, "plan")
	some h in credex.findings with input as {"anything": 1}
	contains(h.message, "no resources map")
}
