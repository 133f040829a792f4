package credex.rules.lb

import data.credex.lib

# METADATA
# title: HTTP listeners redirect to HTTPS
# description: >-
#   An HTTP listener that forwards to the service sends credentials and tokens in clear text; it should only
#   redirect to HTTPS. Every action counts whatever its shape: default actions and listener rules (aws_lb_* and
#   aws_alb_*), forward given by type, by a forward block or by target_group_arn, fixed responses, and redirects
#   that keep the request's protocol. Staging without a certificate may forward (hence a warning); production is judged by
#   CDX-LB-002.
# scope: document
# custom:
#   id: CDX-LB-001
#   severity: warn
#   remediation: Give the HTTP listener a default_action of type "redirect" with redirect { protocol = "HTTPS", port = "443", status_code = "HTTP_301" } and no listener rules that forward.
http_forward contains finding if {
	lib.environment != "production"
	some addr, r in lib.http_listeners
	some a in lib.forwarding_actions(lib.values(r))
	finding := {"address": addr, "message": sprintf("the HTTP listener's default action is %s instead of redirect", [a])}
}

http_forward contains finding if {
	lib.environment != "production"
	some addr, r in lib.http_listener_rules
	some a in lib.forwarding_actions(lib.values(r))
	finding := {"address": addr, "message": sprintf("the HTTP listener's rule action is %s instead of redirect", [a])}
}

http_forward contains finding if {
	lib.environment != "production"
	some addr, listener in lib.unresolved_listener_rules
	finding := {"address": addr, "message": sprintf("the listener rule's listener %v is not in the input: the gate cannot tell whether it serves HTTP", [listener])}
}
