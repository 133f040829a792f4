# Helpers of the ecr rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
#
# Where scanning is decided: a registry scanning configuration (per region) takes over from the repositories'
# own scan_on_push. With one, a repository is scanned only when a rule that scans on push or continuously has a
# filter matching its name (AWS: repositories no basic filter matches are scanned manually only, those no enhanced
# filter matches not at all); one configuration does not excuse a repository its filters miss.
package credex.lib

mutability_problem(m) := sprintf("image_tag_mutability is the unresolved expression %s and cannot be judged; %s", [m, judgeable_hint]) if unresolved(m)

mutability_problem(m) := sprintf("image_tag_mutability is %v", [m]) if not unresolved(m)

scans(v) if {
	some b in blocks(v, "image_scanning_configuration")
	is_true(b, "scan_on_push")
}

# The registry scanning configurations of the repository's region.
registry_configurations(repo) := {addr |
	some addr, r in resources("aws_ecr_registry_scanning_configuration")
	same_region(r, repo)
}

# The repository's name matches a filter of a rule that scans it on push or continuously.
registry_scans(repo) if {
	some addr in registry_configurations(repo)
	some rule in blocks(values(input.resources[addr]), "rule")
	upper(object.get(rule, "scan_frequency", "")) in {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}
	some f in blocks(rule, "repository_filter")
	upper(object.get(f, "filter_type", "WILDCARD")) == "WILDCARD"
	filter_matches(object.get(f, "filter", null), object.get(values(repo), "name", null))
}

# AWS's filter semantics: without a wildcard a filter matches every name that contains it; with one, "*" stands for
# zero or more characters of the whole name.
filter_matches(filter, name) if {
	is_string(filter)
	not is_ref(filter)
	not contains(filter, "*")
	literal_value(name)
	contains(name, filter)
}

filter_matches(filter, name) if {
	is_string(filter)
	regex.match(`^[A-Za-z0-9._/*-]+$`, filter)
	contains(filter, "*")
	literal_value(name)
	regex.match(sprintf("^%s$", [replace(replace(filter, ".", `\.`), "*", ".*")]), name)
}

# Why a repository's pushed images are not scanned, or undefined when they are.
scan_problem(repo) := "image_scanning_configuration.scan_on_push is not true" if {
	count(registry_configurations(repo)) == 0
	not scans(values(repo))
}

scan_problem(repo) := sprintf("the registry scanning configuration (%s) decides for this repository and no rule that scans on push or continuously has a filter matching its name %v: its images are not scanned", [concat(", ", sort(registry_configurations(repo))), object.get(values(repo), "name", null)]) if {
	count(registry_configurations(repo)) > 0
	literal_value(object.get(values(repo), "name", null))
	not registry_scans(repo)
}

scan_problem(repo) := sprintf("the registry scanning configuration (%s) decides for this repository, whose name %v is an unresolved expression: whether its filters match cannot be judged; %s", [concat(", ", sort(registry_configurations(repo))), object.get(values(repo), "name", null), judgeable_hint]) if {
	count(registry_configurations(repo)) > 0
	not literal_value(object.get(values(repo), "name", null))
}
