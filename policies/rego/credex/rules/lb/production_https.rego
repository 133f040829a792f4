package credex.rules.lb

import data.credex.lib

# METADATA
# title: Production serves HTTPS only
# description: >-
#   In production every application load balancer has an HTTPS listener and its HTTP listeners only
#   redirect, so no request or token ever travels in clear text.
# scope: document
# custom:
#   id: CDX-LB-002
#   severity: deny
#   remediation: >-
#     Set loadBalancer.domainName (or certificateArn) in the production config so the load-balancer construct
#     adds the HTTPS listener and turns the HTTP listener into a redirect.
production_https contains finding if {
	lib.environment == "production"
	some addr, lb in lib.load_balancers
	object.get(lib.values(lb), "load_balancer_type", "application") == "application"
	not lib.has_https_listener(addr, lb)
	finding := {"address": addr, "message": "the production load balancer has no HTTPS listener"}
}

production_https contains finding if {
	lib.environment == "production"
	some addr, r in lib.http_listeners
	some a in lib.forwarding_actions(lib.values(r))
	finding := {"address": addr, "message": sprintf("the production HTTP listener's default action is %s; it must redirect to HTTPS", [a])}
}
