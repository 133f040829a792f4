package credex.rules.lb_test

import data.credex.rules.lb

lb_res := {"type": "aws_lb", "name": "a", "mode": "managed", "values": {"load_balancer_type": "application", "drop_invalid_header_fields": true}}

to_https := [{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}]

action(type) := {"type": type, "redirect": to_https} if type == "redirect"

action(type) := {"type": type} if type != "redirect"

listener(protocol, type) := {"type": "aws_lb_listener", "name": protocol, "mode": "managed", "values": {
	"load_balancer_arn": "${aws_lb.a.arn}",
	"protocol": protocol,
	"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
	"default_action": [action(type)],
}}

with_action(l, a) := object.union(l, {"values": object.union(l.values, {"default_action": a})})

stack(env, listeners) := {"environment": env, "resources": object.union({"aws_lb.a": lb_res}, listeners)}

test_http_01_forward_warned if {
	count(lb.http_forward) == 1 with input as stack("staging", {"aws_lb_listener.http": listener("HTTP", "forward")})
}

test_http_02_redirect_ok if {
	count(lb.http_forward) == 0 with input as stack("staging", {"aws_lb_listener.http": listener("HTTP", "redirect")})
	count(lb.http_forward) == 0 with input as stack("production", {"aws_lb_listener.http": listener("HTTP", "forward")})
}

# Every shape of "not a redirect to HTTPS": no type with a forward block or target_group_arn, fixed-response, a
# redirect that keeps the request's protocol or names HTTP, a type that is an expression; aws_alb_listener too.
test_http_03_action_shapes if {
	plain := listener("HTTP", "redirect")
	every a in [
		{"forward": {"target_group": [{"arn": "${aws_lb_target_group.t.arn}"}]}},
		{"target_group_arn": "${aws_lb_target_group.t.arn}"},
		{"type": "fixed-response", "fixed_response": {"content_type": "text/plain", "status_code": "200"}},
		{"type": "redirect", "redirect": {"port": "443", "status_code": "HTTP_301"}},
		{"type": "redirect", "redirect": {"protocol": "HTTP", "port": "8080", "status_code": "HTTP_301"}},
		{"type": "${var.action}"},
	] {
		count(lb.http_forward) == 1 with input as stack("staging", {"aws_lb_listener.http": with_action(plain, [a])})
		count(lb.http_forward) == 1 with input as stack("staging", {"aws_alb_listener.http": object.union(with_action(plain, a), {"type": "aws_alb_listener"})})
	}
}

rule(type, listener_arn) := {"type": type, "name": "r", "mode": "managed", "values": {"listener_arn": listener_arn, "action": [{"type": "forward", "target_group_arn": "x"}]}}

test_http_04_listener_rules if {
	resources := {"aws_lb_listener.http": listener("HTTP", "redirect"), "aws_lb_listener_rule.r": rule("aws_lb_listener_rule", "${aws_lb_listener.http.arn}")}
	some f in lb.http_forward with input as stack("staging", resources)
	f.address == "aws_lb_listener_rule.r"
	count(lb.production_https) == 1 with input as stack("production", object.union(resources, {"aws_lb_listener.https": listener("HTTPS", "forward")}))
	count(lb.http_forward) == 1 with input as stack("staging", {"aws_alb_listener_rule.r": rule("aws_alb_listener_rule", "${aws_alb_listener.gone.arn}")})
	count(lb.http_forward) == 0 with input as stack("staging", {"aws_lb_listener.https": listener("HTTPS", "forward"), "aws_lb_listener_rule.r": rule("aws_lb_listener_rule", "${aws_lb_listener.https.arn}")})
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

test_invalid_headers_01 if {
	count(lb.invalid_headers) == 0 with input as stack("staging", {})
	count(lb.invalid_headers) == 1 with input as {"resources": {"aws_alb.a": {"type": "aws_alb", "name": "a", "mode": "managed", "values": {}}}}
	count(lb.invalid_headers) == 1 with input as {"resources": {"aws_lb.a": {"type": "aws_lb", "name": "a", "mode": "managed", "values": {"drop_invalid_header_fields": false}}}}
	count(lb.invalid_headers) == 0 with input as {"resources": {"aws_lb.n": {"type": "aws_lb", "name": "n", "mode": "managed", "values": {"load_balancer_type": "network"}}}}
}

test_tls_01_floor if {
	https := listener("HTTPS", "forward")
	count(lb.tls_policy) == 0 with input as stack("staging", {"aws_lb_listener.https": https})
	every policy in [null, "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-TLS13-1-0-2021-06", "${var.policy}", "Custom"] {
		count(lb.tls_policy) == 1 with input as stack("staging", {"aws_alb_listener.https": object.union(https, {"type": "aws_alb_listener", "values": object.union(https.values, {"ssl_policy": policy})})})
	}
	count(lb.tls_policy) == 1 with input as stack("staging", {"aws_lb_listener.tls": {"type": "aws_lb_listener", "name": "tls", "mode": "managed", "values": {"protocol": "TLS"}}})
	count(lb.tls_policy) == 0 with input as stack("staging", {"aws_lb_listener.https": object.union(https, {"values": object.union(https.values, {"ssl_policy": "ELBSecurityPolicy-TLS-1-2-Ext-2018-06"})})})
}
