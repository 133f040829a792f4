package credex.rules.lb

import data.credex.lib

# METADATA
# title: The production load balancer has a WAF
# description: >-
#   An internet-facing application load balancer in production takes requests from anyone: a web ACL (AWS
#   WAFv2) blocks known-bad inputs and addresses and limits the request rate per client before they reach the API.
# scope: document
# custom:
#   id: CDX-LB-005
#   severity: deny
#   remediation: >-
#     Set security.waf.enabled in the production config so the environment stack adds the web ACL
#     (constructs/waf.ts) and its aws_wafv2_web_acl_association with the load balancer.
waf contains finding if {
	lib.environment == "production"
	some addr, lb in lib.load_balancers
	v := lib.values(lb)
	object.get(v, "load_balancer_type", "application") == "application"
	lib.internet_facing(v)
	not lib.has_web_acl(addr, lb)
	finding := {"address": addr, "message": "the internet-facing production load balancer has no web ACL (no aws_wafv2_web_acl_association names it)"}
}
