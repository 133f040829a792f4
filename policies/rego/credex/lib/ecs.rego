# Helpers of the ecs rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

insights_on(v) if {
	some s in blocks(v, "setting")
	s.name == "containerInsights"
	s.value in {"enabled", "enhanced"}
}

insights_value(v) := sprintf("the unresolved expression %s: whether it is on cannot be judged; %s", [s.value, judgeable_hint]) if {
	some s in blocks(v, "setting")
	s.name == "containerInsights"
	unresolved(s.value)
} else := sprintf("%v", [s.value]) if {
	some s in blocks(v, "setting")
	s.name == "containerInsights"
} else := "not set"
