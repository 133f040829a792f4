package credex.rules.lb

import data.credex.lib

# METADATA
# title: HTTP listeners redirect to HTTPS
# description: >-
#   An HTTP listener that forwards to the service sends credentials and tokens in clear text; it should only
#   redirect to HTTPS. Staging without a certificate may forward (hence a warning); production is judged by
#   CDX-LB-002.
# scope: document
# custom:
#   id: CDX-LB-001
#   severity: warn
#   remediation: Give the HTTP listener a default_action of type "redirect" to HTTPS on 443 (status HTTP_301).
http_forward contains finding if {
	lib.environment != "production"
	some addr, r in http_listeners
	some a in forwarding_actions(lib.values(r))
	finding := {"address": addr, "message": sprintf("the HTTP listener's default action is %s instead of redirect", [a])}
}

listeners := object.union(lib.resources("aws_lb_listener"), lib.resources("aws_alb_listener"))

load_balancers := object.union(lib.resources("aws_lb"), lib.resources("aws_alb"))

http_listeners := {addr: r |
	some addr, r in listeners
	upper(object.get(lib.values(r), "protocol", "HTTP")) == "HTTP"
}

https_listeners := {addr: r |
	some addr, r in listeners
	upper(object.get(lib.values(r), "protocol", "HTTP")) == "HTTPS"
}

forwarding_actions(v) := {t |
	some a in lib.blocks(v, "default_action")
	t := object.get(a, "type", "")
	t != "redirect"
}
