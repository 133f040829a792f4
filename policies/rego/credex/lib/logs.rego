# Helpers of the logs rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

retention_set(v) if {
	days := object.get(v, "retention_in_days", 0)
	is_number(days)
	days > 0
}

retention_set(v) if is_ref(object.get(v, "retention_in_days", 0))
