# Helpers of the lb rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
# Every spelling counts: aws_alb, aws_alb_listener, aws_alb_listener_rule are the aws_lb* resources.
package credex.lib

listeners := object.union(resources("aws_lb_listener"), resources("aws_alb_listener"))

load_balancers := object.union(resources("aws_lb"), resources("aws_alb"))

listener_rules := object.union(resources("aws_lb_listener_rule"), resources("aws_alb_listener_rule"))

# Application load balancers (the type defaults to application).
application_load_balancers := {addr: lb |
	some addr, lb in load_balancers
	object.get(values(lb), "load_balancer_type", "application") == "application"
}

listener_protocol(v) := upper(p) if {
	p := object.get(v, "protocol", null)
	is_string(p)
} else := "HTTP" if {
	# Without a protocol a listener speaks HTTP unless it has a certificate (then Terraform requires HTTPS).
	object.get(v, "certificate_arn", null) == null
} else := "HTTPS"

http_listeners := {addr: r |
	some addr, r in listeners
	listener_protocol(values(r)) == "HTTP"
}

https_listeners := {addr: r |
	some addr, r in listeners
	listener_protocol(values(r)) == "HTTPS"
}

# The actions of a listener (default_action) or a listener rule (action) that do not redirect to HTTPS, by what
# they do: "forward", "fixed-response", "authenticate-oidc", a redirect that keeps HTTP ("redirect to HTTP"), or an
# action whose type is an unresolved expression. The type may be missing when a forward block or a
# target_group_arn says what the action does.
forwarding_actions(v) := {what |
	some key in ["default_action", "action"]
	some a in blocks(v, key)
	what := non_https_action(a)
}

non_https_action(a) := action_type(a) if action_type(a) != "redirect"

non_https_action(a) := sprintf("redirect to %s", [p]) if {
	action_type(a) == "redirect"
	p := redirect_protocol(a)
	p != "HTTPS"
}

action_type(a) := t if {
	t := object.get(a, "type", null)
	is_string(t)
	not is_ref(t)
} else := "forward" if {
	object.get(a, "type", null) == null
	forward_target(a)
} else := "an unresolved expression" if {
	is_ref(object.get(a, "type", null))
} else := "(no type)"

forward_target(a) if count(blocks(a, "forward")) > 0

forward_target(a) if object.get(a, "target_group_arn", null) != null

# The protocol a redirect sends to: its literal value, "#{protocol}" (the request's, the default) or an expression.
redirect_protocol(a) := upper(p) if {
	some r in blocks(a, "redirect")
	p := object.get(r, "protocol", "#{protocol}")
	is_string(p)
	not is_ref(p)
} else := "the request's protocol (#{protocol})" if {
	count(blocks(a, "redirect")) > 0
	every r in blocks(a, "redirect") {
		object.get(r, "protocol", null) == null
	}
} else := "an unresolved protocol"

# What the HTTPS listeners' load_balancer_arn name, collected once.
https_listener_lbs := {key |
	some listener in https_listeners
	some key in ref_keys(object.get(values(listener), "load_balancer_arn", null))
}

has_https_listener(addr, lb) if named_by(addr, lb, https_listener_lbs)

# The HTTP listeners by what names them (address, id, ARN), to find the listener of a listener rule.
http_listener_keys contains key if {
	some addr, r in http_listeners
	some key in {addr, object.get(values(r), "id", ""), object.get(values(r), "arn", "")}
	key != ""
}

# Listener rules attached to an HTTP listener.
http_listener_rules[addr] := r if {
	some addr, r in listener_rules
	some key in ref_keys(object.get(values(r), "listener_arn", null))
	key in http_listener_keys
}

# Listener rules whose listener is not in the input: the gate cannot tell whether it is an HTTP listener.
unresolved_listener_rules[addr] := listener if {
	some addr, r in listener_rules
	listener := object.get(values(r), "listener_arn", "")
	not http_listener_rules[addr]
	not listener_known(listener)
}

listener_known(listener) if {
	some key in ref_keys(listener)
	key in listener_keys
}

listener_keys contains key if {
	some addr, r in listeners
	some key in {addr, object.get(values(r), "id", ""), object.get(values(r), "arn", "")}
	key != ""
}

# Security policies that allow TLS below 1.2 (ELBSecurityPolicy-2016-08 and its family allow TLS 1.0): from AWS's
# list of ALB security policies. Any other ELBSecurityPolicy-TLS13-1-2-*, ELBSecurityPolicy-TLS-1-2-*, FIPS 1.2+
# policy is at or above the floor. A policy name the gate does not know is judged by its name.
weak_tls_policy(p) if regex.match(`^ELBSecurityPolicy-(2015-05|2016-08|TLS-1-0-2015-04|TLS-1-1-2017-01|FS-2018-06|FS-1-1-2019-08|TLS13-1-0-2021-06|TLS13-1-1-2021-06|TLS13-1-0-FIPS-2023-04|TLS13-1-1-FIPS-2023-04|TLS13-1-0-PQ-2025-09|TLS13-1-1-PQ-2025-09)$`, p)

weak_tls_policy(p) if not regex.match(`^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)`, p)

# The message of CDX-LB-004 for a listener's ssl_policy, when it falls below the floor or cannot be judged.
tls_message(policy) := "ssl_policy is not set: AWS applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0" if {
	policy == null
}

tls_message(policy) := sprintf("ssl_policy %s is an unresolved expression; the TLS floor cannot be judged", [policy]) if {
	is_ref(policy)
}

tls_message(policy) := sprintf("ssl_policy %s accepts TLS below 1.2", [policy]) if {
	is_string(policy)
	not is_ref(policy)
	weak_tls_policy(policy)
}
