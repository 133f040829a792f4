package credex.rules.lb_test

import data.credex.rules.lb

lb_res := {"type": "aws_lb", "name": "a", "mode": "managed", "values": {"load_balancer_type": "application"}}

listener(protocol, action) := {"type": "aws_lb_listener", "name": protocol, "mode": "managed", "values": {
	"load_balancer_arn": "${aws_lb.a.arn}",
	"protocol": protocol,
	"default_action": [{"type": action}],
}}

stack(env, listeners) := {"environment": env, "resources": object.union({"aws_lb.a": lb_res}, listeners)}

test_http_01_forward_warned if {
	count(lb.http_forward) == 1 with input as stack("staging", {"aws_lb_listener.http": listener("HTTP", "forward")})
}

test_http_02_redirect_ok if {
	count(lb.http_forward) == 0 with input as stack("staging", {"aws_lb_listener.http": listener("HTTP", "redirect")})
	count(lb.http_forward) == 0 with input as stack("production", {"aws_lb_listener.http": listener("HTTP", "forward")})
}

test_production_01_no_https_denied if {
	count(lb.production_https) == 2 with input as stack("production", {"aws_lb_listener.http": listener("HTTP", "forward")})
	some f in lb.production_https with input as stack("production", {"aws_lb_listener.http": listener("HTTP", "redirect")})
	f.address == "aws_lb.a"
}

test_production_02_https_ok if {
	count(lb.production_https) == 0 with input as stack("production", {
		"aws_lb_listener.http": listener("HTTP", "redirect"),
		"aws_lb_listener.https": listener("HTTPS", "forward"),
	})
	count(lb.production_https) == 0 with input as stack("staging", {"aws_lb_listener.http": listener("HTTP", "forward")})
}
