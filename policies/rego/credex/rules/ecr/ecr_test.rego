package credex.rules.ecr_test

import data.credex.rules.ecr

repo(values) := {"resources": {"aws_ecr_repository.r": {"type": "aws_ecr_repository", "name": "r", "mode": "managed", "values": values}}}

test_scan_01_denied if {
	count(ecr.scan_on_push) == 1 with input as repo({})
	count(ecr.scan_on_push) == 1 with input as repo({"image_scanning_configuration": [{"scan_on_push": false}]})
}

test_scan_02_ok if {
	count(ecr.scan_on_push) == 0 with input as repo({"image_scanning_configuration": {"scan_on_push": true}})
	count(ecr.scan_on_push) == 0 with input as {"resources": {
		"aws_ecr_repository.r": {"type": "aws_ecr_repository", "name": "r", "mode": "managed", "values": {}},
		"aws_ecr_registry_scanning_configuration.s": {"type": "aws_ecr_registry_scanning_configuration", "name": "s", "mode": "managed", "values": {"scan_type": "ENHANCED", "rule": [{"scan_frequency": "SCAN_ON_PUSH"}]}},
	}}
	count(ecr.scan_on_push) == 0 with input as {"resources": {"data.aws_ecr_repository.r": {"type": "aws_ecr_repository", "name": "r", "mode": "data", "values": {}}}}
}

test_immutable_01_denied if {
	some f in ecr.immutable_tags with input as repo({})
	contains(f.message, "MUTABLE")
}

test_immutable_02_ok if {
	count(ecr.immutable_tags) == 0 with input as repo({"image_tag_mutability": "IMMUTABLE"})
}
