package credex.rules.lb_test

import data.credex.rules.lb

alb := {"type": "aws_lb", "name": "api", "mode": "managed", "values": {"load_balancer_type": "application", "internal": false}}

assoc(arn) := {"type": "aws_wafv2_web_acl_association", "name": "a", "mode": "managed", "values": {"resource_arn": arn, "web_acl_arn": "${aws_wafv2_web_acl.w.arn}"}}

test_waf_01_missing_denied if {
	count(lb.waf) == 1 with input as {"environment": "production", "resources": {"aws_lb.api": alb}}
	count(lb.waf) == 1 with input as {"environment": "production", "resources": {"aws_lb.api": alb, "aws_wafv2_web_acl_association.a": assoc("${aws_lb.other.arn}")}}
	count(lb.waf) == 1 with input as {"environment": "production", "resources": {"aws_alb.api": object.union(alb, {"type": "aws_alb"})}}
}

test_waf_02_associated_ok if {
	count(lb.waf) == 0 with input as {"environment": "production", "resources": {"aws_lb.api": alb, "aws_wafv2_web_acl_association.a": assoc("${aws_lb.api.arn}")}}
}

test_waf_03_internal_or_staging_not_judged if {
	count(lb.waf) == 0 with input as {"environment": "production", "resources": {"aws_lb.api": object.union(alb, {"values": {"internal": true}})}}
	count(lb.waf) == 0 with input as {"environment": "staging", "resources": {"aws_lb.api": alb}}
}

test_waf_04_plan_arn_ok if {
	planned := object.union(alb, {"values": {"load_balancer_type": "application", "internal": false, "arn": "arn:aws:elasticloadbalancing:af-south-1:1:loadbalancer/app/x/1"}})
	count(lb.waf) == 0 with input as {"environment": "production", "resources": {"aws_lb.api": planned, "aws_wafv2_web_acl_association.a": assoc("arn:aws:elasticloadbalancing:af-south-1:1:loadbalancer/app/x/1")}}
}
