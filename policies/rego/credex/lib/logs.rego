# Helpers of the logs rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

retention_set(v) if {
	days := object.get(v, "retention_in_days", 0)
	is_number(days)
	days > 0
}

# Terraform reads "30" as 30.
retention_set(v) if {
	days := object.get(v, "retention_in_days", 0)
	is_string(days)
	regex.match(`^[0-9]+$`, days)
	to_number(days) > 0
}

# Why a log group keeps its logs forever, or cannot be judged; undefined when it has a retention.
retention_problem(v) := "retention_in_days is not set: logs are kept forever" if {
	not retention_set(v)
	not unresolved(object.get(v, "retention_in_days", null))
}

retention_problem(v) := sprintf("retention_in_days is the unresolved expression %s: whether logs expire cannot be judged (0 keeps them forever); %s", [v.retention_in_days, judgeable_hint]) if {
	unresolved(object.get(v, "retention_in_days", null))
}
