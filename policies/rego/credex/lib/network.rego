# Helpers of the network rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

has_flow_log(addr, vpc) if named_by(addr, vpc, flow_log_vpcs)

# What the flow logs' vpc_id name (addresses of references, or resolved ids), collected once.
flow_log_vpcs := {key |
	some log in resources("aws_flow_log")
	some key in ref_keys(object.get(values(log), "vpc_id", null))
}

# Flow logs whose vpc_id is unknown until apply (a plan without configuration references) cannot be matched
# to a VPC: the finding says so instead of passing silently.
unmatched_flow_logs := [addr |
	some addr, log in resources("aws_flow_log")
	contains(object.get(values(log), "vpc_id", ""), "(known after apply)")
]

unmatched_flow_logs_note := "" if count(unmatched_flow_logs) == 0

unmatched_flow_logs_note := sprintf(" (could not decide for %s: vpc_id is known only after apply)", [concat(", ", unmatched_flow_logs)]) if {
	count(unmatched_flow_logs) > 0
}
