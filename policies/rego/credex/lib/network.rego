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

# Resource types and the switch that gives them (or what they launch) a public IP.
public_ip_switches := {
	"aws_instance": "associate_public_ip_address",
	"aws_spot_instance_request": "associate_public_ip_address",
	"aws_launch_configuration": "associate_public_ip_address",
	"aws_subnet": "map_public_ip_on_launch",
}

# What is wrong with a public-IP switch: true, or an expression the gate cannot see.
public_ip_problems(obj, key) := {sprintf("%s is true%s", [key, public_ip_note(key)])} if {
	switch_state(obj, key) == "true"
}

public_ip_problems(obj, key) := {switch_unresolved_note(obj, key)} if {
	switch_state(obj, key) == "unresolved"
}

public_ip_problems(obj, key) := set() if {
	not switch_state(obj, key) in {"true", "unresolved"}
}

default_subnet_problem(v) := "map_public_ip_on_launch is not false: a default subnet gives every instance launched in it a public IP" if {
	switch_state(v, "map_public_ip_on_launch") in {"true", "unset"}
}

default_subnet_problem(v) := switch_unresolved_note(v, "map_public_ip_on_launch")

public_ip_note("map_public_ip_on_launch") := ": every instance launched here gets a public IP"

public_ip_note(key) := "" if key != "map_public_ip_on_launch"

# VPCs, including the region's default VPC when the configuration adopts it.
vpcs := object.union(resources("aws_vpc"), resources("aws_default_vpc"))
