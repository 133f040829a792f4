package credex.rules.logs_test

import data.credex.rules.logs

group(values) := {"resources": {"aws_cloudwatch_log_group.g": {"type": "aws_cloudwatch_log_group", "name": "g", "mode": "managed", "values": values}}}

test_retention_01_denied if {
	count(logs.log_retention) == 1 with input as group({})
	count(logs.log_retention) == 1 with input as group({"retention_in_days": 0})
}

test_retention_02_ok if {
	count(logs.log_retention) == 0 with input as group({"retention_in_days": 30})
	count(logs.log_retention) == 0 with input as group({"retention_in_days": "14"})
}

# A retention the gate cannot see could be 0 (never expire): reported as cannot be judged.
test_retention_03_unresolved if {
	some f in logs.log_retention with input as group({"retention_in_days": "${var.days}"})
	contains(f.message, "cannot be judged")
}
