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
		"aws_ecr_repository.r": {"type": "aws_ecr_repository", "name": "r", "mode": "managed", "values": {"name": "api"}},
		"aws_ecr_registry_scanning_configuration.s": {"type": "aws_ecr_registry_scanning_configuration", "name": "s", "mode": "managed", "values": {"scan_type": "ENHANCED", "rule": [{"scan_frequency": "SCAN_ON_PUSH", "repository_filter": [{"filter": "*", "filter_type": "WILDCARD"}]}]}},
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

registry(repo_values, config_values) := {"resources": {
	"aws_ecr_repository.r": {"type": "aws_ecr_repository", "name": "r", "mode": "managed", "values": repo_values},
	"aws_ecr_registry_scanning_configuration.s": {"type": "aws_ecr_registry_scanning_configuration", "name": "s", "mode": "managed", "values": config_values},
}}

scanning(frequency, filter) := {"scan_type": "BASIC", "rule": [{"scan_frequency": frequency, "repository_filter": [{"filter": filter, "filter_type": "WILDCARD"}]}]}

# Registry scanning filters apply per repository, with AWS's filter semantics; a filter that misses the repository
# leaves it unscanned even when the repository itself asks for scan on push (the registry configuration decides).
test_scan_03_registry_filters_per_repository if {
	count(ecr.scan_on_push) == 0 with input as registry({"name": "credex-core"}, scanning("SCAN_ON_PUSH", "credex"))
	count(ecr.scan_on_push) == 0 with input as registry({"name": "credex-core"}, scanning("CONTINUOUS_SCAN", "credex-*"))
	count(ecr.scan_on_push) == 0 with input as registry({"name": "team/credex-core"}, scanning("SCAN_ON_PUSH", "*core"))
	some f in ecr.scan_on_push with input as registry({"name": "credex-core"}, scanning("SCAN_ON_PUSH", "billing-*"))
	contains(f.message, "no rule that scans on push or continuously has a filter matching its name credex-core")
	count(ecr.scan_on_push) == 1 with input as registry({"name": "credex-core", "image_scanning_configuration": {"scan_on_push": true}}, scanning("SCAN_ON_PUSH", "billing"))
	count(ecr.scan_on_push) == 1 with input as registry({"name": "credex-core"}, scanning("MANUAL", "*"))
	count(ecr.scan_on_push) == 1 with input as registry({"name": "credex-core"}, scanning("SCAN_ON_PUSH", "*credex"))
	some g in ecr.scan_on_push with input as registry({"name": "${var.repository}"}, scanning("SCAN_ON_PUSH", "credex-*"))
	contains(g.message, "cannot be judged")
}

# A registry configuration under another region's provider decides nothing here.
test_scan_04_registry_region if {
	elsewhere := object.union(scanning("SCAN_ON_PUSH", "*"), {"provider": "aws.eu"})
	count(ecr.scan_on_push) == 1 with input as registry({"name": "credex-core"}, elsewhere)
	count(ecr.scan_on_push) == 0 with input as registry({"name": "credex-core", "image_scanning_configuration": {"scan_on_push": true}}, elsewhere)
}

test_immutable_03_unresolved if {
	some f in ecr.immutable_tags with input as repo({"image_tag_mutability": "${var.mutability}"})
	contains(f.message, "cannot be judged")
}
