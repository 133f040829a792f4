# Helpers of the ecr rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

scans(v) if {
	some b in blocks(v, "image_scanning_configuration")
	is_true(b, "scan_on_push")
}

registry_scanning if {
	some r in resources("aws_ecr_registry_scanning_configuration")
	count(blocks(values(r), "rule")) > 0
}
