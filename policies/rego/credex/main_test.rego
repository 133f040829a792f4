package credex_test

import data.credex

test_findings_01_tagged_with_rule_key if {
	some f in credex.findings with input as {"resources": {"aws_cloudwatch_log_group.g": {"type": "aws_cloudwatch_log_group", "name": "g", "mode": "managed", "values": {}}}}
	f.rule == "logs.log_retention"
	f.address == "aws_cloudwatch_log_group.g"
}

test_findings_02_empty_input if {
	count(credex.findings) == 0 with input as {"resources": {}}
}
