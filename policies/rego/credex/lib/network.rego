# Helpers of the network rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

has_flow_log(addr, vpc) if {
	some log in resources("aws_flow_log")
	refers_to(object.get(values(log), "vpc_id", null), addr, vpc)
}
