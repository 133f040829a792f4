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
	some addr, lb in lib.application_load_balancers
	not lib.has_https_listener(addr, lb)
	finding := {"address": addr, "message": "the production load balancer has no HTTPS listener"}
}

production_https contains finding if {
	lib.environment == "production"
	some addr, r in lib.http_listeners
	some a in lib.forwarding_actions(lib.values(r))
	finding := {"address": addr, "message": sprintf("the production HTTP listener's default action is %s; it must redirect to HTTPS", [a])}
}

production_https contains finding if {
	lib.environment == "production"
	some addr, r in lib.http_listener_rules
	some a in lib.forwarding_actions(lib.values(r))
	finding := {"address": addr, "message": sprintf("a rule of a production HTTP listener has the action %s; it must redirect to HTTPS", [a])}
}

production_https contains finding if {
	lib.environment == "production"
	some addr, listener in lib.unresolved_listener_rules
	finding := {"address": addr, "message": sprintf("the listener rule's listener %v is not in the input: the gate cannot tell whether it serves HTTP", [listener])}
}
