# Helpers of the lb rules (kept out of the rule packages: data.credex.rules.* holds only finding sets).
package credex.lib

listeners := object.union(resources("aws_lb_listener"), resources("aws_alb_listener"))

load_balancers := object.union(resources("aws_lb"), resources("aws_alb"))

http_listeners := {addr: r |
	some addr, r in listeners
	upper(object.get(values(r), "protocol", "HTTP")) == "HTTP"
}

https_listeners := {addr: r |
	some addr, r in listeners
	upper(object.get(values(r), "protocol", "HTTP")) == "HTTPS"
}

forwarding_actions(v) := {t |
	some a in blocks(v, "default_action")
	t := object.get(a, "type", "")
	t != "redirect"
}

has_https_listener(addr, lb) if {
	some listener in https_listeners
	refers_to(object.get(values(listener), "load_balancer_arn", null), addr, lb)
}
